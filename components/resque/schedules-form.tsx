"use client";

import Link from "@/components/link";
import { useState, useTransition } from "react";
import type { MessageKey } from "@/lib/i18n";
import { useCanWrite, useLocale, useT } from "../providers";
import { useRunAction } from "../use-run-action";
import { describeCron } from "./schedules-cron";
import type { ScheduleForm, ScheduleFormField } from "@/lib/dashboard/contracts";
import type { ScheduleFormResult } from "@/lib/dashboard/action-result";

const EMPTY: ScheduleForm = {
  name: "",
  className: "",
  kind: "cron",
  cron: "",
  timezone: "",
  every: "",
  queue: "",
  args: "",
  description: "",
  enabled: true,
};

const inputClass =
  "w-full rounded border border-zinc-300 bg-transparent px-2 py-1 text-sm aria-[invalid=true]:border-red-500 disabled:opacity-60 dark:border-zinc-700 dark:aria-[invalid=true]:border-red-500";

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="grid gap-1 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <label htmlFor={id} className="pt-1 text-sm font-medium">
        {label}
      </label>
      <div className="space-y-1">
        {children}
        {hint && (
          <p id={`${id}-hint`} className="text-xs text-zinc-500">
            {hint}
          </p>
        )}
        {error && (
          <p id={`${id}-error`} role="alert" className="text-sm text-red-700 dark:text-red-400" data-field-error={id}>
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * Create or edit one recurring schedule. Controlled fields, so a refused save keeps what was
 * typed; the message goes beside the field the server named (InvalidScheduleError's `field`).
 */
export function ScheduleFormView({
  mode,
  initial,
  save,
  knownClasses,
}: {
  mode: "create" | "edit";
  initial?: ScheduleForm;
  /** The job classes this app's workers run: offered as suggestions, and any other name is warned about. */
  knownClasses: string[];
  save: (form: ScheduleForm) => Promise<ScheduleFormResult>;
}) {
  const t = useT();
  const locale = useLocale();
  const canWrite = useCanWrite();
  const run = useRunAction();
  const [v, setV] = useState(initial ?? EMPTY);
  const [result, setResult] = useState<ScheduleFormResult | null>(null);
  const [pending, startTransition] = useTransition();
  const set = <K extends keyof ScheduleForm>(k: K, value: ScheduleForm[K]) => setV((old) => ({ ...old, [k]: value }));
  // Every refused field at once; an older answer that names one field still marks it.
  const errorOf = (f: ScheduleFormField) =>
    result && !result.ok ? (result.fields?.[f] ?? (result.field === f ? result.message : undefined)) : undefined;
  const errorCount = result && !result.ok ? Object.keys(result.fields ?? {}).length || 1 : 0;
  const typedClass = v.className.trim();
  const unknownClass = typedClass !== "" && !knownClasses.includes(typedClass);
  const aria = (id: string, f: ScheduleFormField, hint = true) => ({
    id,
    "aria-invalid": errorOf(f) ? true : undefined,
    "aria-describedby":
      [hint ? `${id}-hint` : "", errorOf(f) ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined,
    disabled: !canWrite,
  });
  const words = v.kind === "cron" && v.cron.trim() ? describeCron(locale, v.cron) : null;
  const fieldError = result && !result.ok && result.field && result.field !== "entry";

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      // A successful save redirects to the list (which then draws the server's fresh read, not
      // what it polled before): there is nothing to show here then.
      const r: ScheduleFormResult | undefined = await run(() => save(v));
      if (r) setResult(r);
    });
  };

  const text = (
    k: "name" | "className" | "cron" | "timezone" | "every" | "queue" | "description",
    f: ScheduleFormField,
    label: MessageKey,
    hint?: MessageKey,
    extra: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <Field id={`schedule-${k}`} label={t(label)} hint={hint && t(hint)} error={errorOf(f)}>
      <input
        type="text"
        name={k}
        value={v[k]}
        onChange={(e) => set(k, e.target.value)}
        className={`${inputClass} ${k === "description" ? "" : "font-mono"}`}
        {...aria(`schedule-${k}`, f, !!hint)}
        {...extra}
      />
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate className="max-w-3xl space-y-4">
      {result && !result.ok && (
        <p
          role="status"
          aria-live="polite"
          data-form-message
          className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {fieldError ? t("schedules.form.invalid", { count: errorCount }) : result.message}
        </p>
      )}
      {text("name", "name", "schedules.form.name", "schedules.form.nameHint", {
        readOnly: mode === "edit",
        autoComplete: "off",
      })}
      {text("className", "class", "schedules.form.class", "schedules.form.classHint", {
        list: "schedule-classes",
        autoComplete: "off",
      })}
      <datalist id="schedule-classes">
        {knownClasses.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      {unknownClass && (
        <p
          role="status"
          data-class-warning
          className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 sm:ml-[11rem] dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {t("schedules.form.classUnknown", { class: typedClass })}
        </p>
      )}
      <fieldset className="grid gap-1 sm:grid-cols-[10rem_1fr] sm:gap-4">
        <legend className="contents">
          <span className="pt-1 text-sm font-medium">{t("schedules.form.timing")}</span>
        </legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(["cron", "every"] as const).map((kind) => (
            <label key={kind} className="flex items-center gap-1.5">
              <input
                type="radio"
                name="kind"
                value={kind}
                checked={v.kind === kind}
                onChange={() => set("kind", kind)}
                disabled={!canWrite}
              />
              {t(kind === "cron" ? "schedules.form.useCron" : "schedules.form.useEvery")}
            </label>
          ))}
        </div>
      </fieldset>
      {v.kind === "cron" ? (
        <>
          {text("cron", "cron", "schedules.form.cron", "schedules.form.cronHint", {
            placeholder: "0 3 * * *",
            autoComplete: "off",
          })}
          {words && (
            <p className="text-sm text-zinc-600 sm:pl-[11rem] dark:text-zinc-400" data-cron-words>
              {t("schedules.form.reads", { words })}
            </p>
          )}
          {text("timezone", "timezone", "schedules.form.timezone", "schedules.form.timezoneHint", {
            placeholder: "UTC",
            autoComplete: "off",
          })}
        </>
      ) : (
        text("every", "every", "schedules.form.every", "schedules.form.everyHint", {
          placeholder: "15m",
          autoComplete: "off",
        })
      )}
      {text("queue", "queue", "schedules.form.queue", "schedules.form.queueHint", {
        placeholder: "default",
        autoComplete: "off",
      })}
      <Field
        id="schedule-args"
        label={t("schedules.form.args")}
        hint={t("schedules.form.argsHint")}
        error={errorOf("args")}
      >
        <textarea
          name="args"
          rows={5}
          value={v.args}
          onChange={(e) => set("args", e.target.value)}
          spellCheck={false}
          placeholder='{"to": "ops@example.com"}'
          className={`${inputClass} font-mono`}
          {...aria("schedule-args", "args")}
        />
      </Field>
      {text("description", "description", "schedules.form.description")}
      <div className="sm:pl-[11rem]">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="enabled"
            checked={v.enabled}
            onChange={(e) => set("enabled", e.target.checked)}
            disabled={!canWrite}
          />
          {t("schedules.form.enabled")}
        </label>
      </div>
      <div className="flex items-center gap-3 sm:pl-[11rem]">
        <button
          type="submit"
          disabled={pending || !canWrite}
          title={canWrite ? undefined : t("action.readOnly")}
          className="rounded border border-zinc-900 bg-zinc-900 px-3 py-1 text-sm text-white hover:bg-zinc-700 disabled:opacity-50 dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
        >
          {t(mode === "create" ? "schedules.form.create" : "schedules.form.save")}
        </button>
        <Link href="/schedules" className="text-sm text-blue-700 hover:underline dark:text-blue-400">
          {t("confirm.cancel")}
        </Link>
      </div>
    </form>
  );
}
