"use client";

import { useId, useState, useTransition } from "react";
import type { AlertKind, AlertRule, AlertRuleInput } from "@/lib/db/alerts";
import type { AlertResult } from "@/lib/dashboard/action-result";
import { formatWhen } from "@/lib/format";
import type { Translate } from "@/lib/i18n";
import { DataTable } from "./data-table";
import { useCanWrite, useT } from "./providers";
import { ConfirmButton } from "./resque/confirm-button";
import { useRunAction } from "./use-run-action";
import { Answer } from "./answer";

/** A rule as the form sends it: the numbers as typed. */
export type AlertRuleForm = Omit<AlertRuleInput, "threshold" | "windowMin"> & { threshold: string; windowMin: string };

export interface AlertsActions {
  create: (input: AlertRuleForm) => Promise<AlertResult>;
  update: (id: number, input: AlertRuleForm) => Promise<AlertResult>;
  setEnabled: (id: number, enabled: boolean) => Promise<AlertResult>;
  remove: (id: number) => Promise<AlertResult>;
}

/** In the order the form offers them; the strings for each live under alerts.kind.* / alerts.describe.*. */
const KINDS: AlertKind[] = ["failures", "queue_age", "queue_no_worker", "scheduler_no_leader"];
const td = "py-1.5 pr-4 align-top";
const input =
  "rounded border border-zinc-300 bg-transparent px-2 py-1 disabled:opacity-50 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-950 dark:aria-[invalid=true]:border-red-500";
const button =
  "rounded border border-zinc-300 px-2 py-0.5 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
const primary =
  "rounded bg-zinc-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900";
const STATE_BADGE = {
  firing: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  ok: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  disabled: "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100",
} as const;

/** What a rule watches, in one line ("more than 5 failures in 10 min"). */
function describe(t: Translate, r: AlertRule): string {
  const queue = r.queue || t("alerts.queueAny");
  return t(`alerts.describe.${r.kind}`, { threshold: r.threshold, window: r.windowMin, queue });
}

type Field = NonNullable<AlertResult["field"]>;

/** Adds a rule, or edits `editing` (then Save and Cancel); the fields shown follow the kind. */
function RuleForm({
  t,
  editing,
  actions,
  onDone,
}: {
  t: Translate;
  editing: AlertRule | null;
  actions: AlertsActions;
  onDone: (r: AlertResult | null) => void;
}) {
  const id = useId();
  const canWrite = useCanWrite();
  const run = useRunAction();
  const [name, setName] = useState(editing?.name ?? "");
  const [kind, setKind] = useState<AlertKind>(editing?.kind ?? "failures");
  const [queue, setQueue] = useState(editing?.queue ?? "");
  const [threshold, setThreshold] = useState(String(editing?.threshold ?? 10));
  const [windowMin, setWindowMin] = useState(String(editing?.windowMin || 5));
  const [result, setResult] = useState<AlertResult | null>(null);
  const [pending, startTransition] = useTransition();
  const disabled = !canWrite || pending;
  const err = (f: Field) => (result && !result.ok && result.field === f ? result.message : undefined);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    // Numbers go as typed: the server says what is wrong with "", "1.5" or "-3".
    const sent = { name, kind, queue, threshold, windowMin };
    startTransition(async () => {
      const r = await run(() => (editing ? actions.update(editing.id, sent) : actions.create(sent)));
      setResult(r);
      if (r.ok) {
        if (!editing) setName("");
        onDone(r);
      }
    });
  };

  const field = (f: Field, label: string, el: React.ReactNode) => (
    <div className="space-y-1">
      <label className="block space-y-1">
        <span className="text-sm">{label}</span>
        {el}
      </label>
      <span id={`${id}-${f}-error`} aria-live="polite" className="block min-h-5 text-sm text-red-700 dark:text-red-400">
        {err(f)}
      </span>
    </div>
  );
  const aria = (f: Field) => ({ "aria-invalid": !!err(f), "aria-describedby": `${id}-${f}-error` });

  return (
    <section
      aria-labelledby={`${id}-title`}
      data-rule-form={editing ? "edit" : "add"}
      className="space-y-3 rounded border border-zinc-200 p-4 dark:border-zinc-800"
    >
      <h2 id={`${id}-title`} className="font-semibold">
        {editing ? t("alerts.editTitle", { name: editing.name }) : t("alerts.add")}
      </h2>
      <form onSubmit={submit} className="flex flex-wrap items-start gap-x-4" noValidate>
        {field(
          "name",
          t("alerts.name"),
          <input
            name="name"
            className={`${input} block w-56`}
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            disabled={disabled}
            {...aria("name")}
          />,
        )}
        {field(
          "kind",
          t("alerts.kind"),
          <select
            name="kind"
            className={`${input} block`}
            value={kind}
            onChange={(e) => setKind(e.target.value as AlertKind)}
            disabled={disabled}
            {...aria("kind")}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`alerts.kind.${k}`)}
              </option>
            ))}
          </select>,
        )}
        {(kind === "queue_age" || kind === "queue_no_worker") &&
          field(
            "queue",
            t("alerts.queue"),
            <input
              name="queue"
              className={`${input} block w-40`}
              value={queue}
              placeholder={t("alerts.queueHint")}
              onChange={(e) => setQueue(e.target.value)}
              disabled={disabled}
              {...aria("queue")}
            />,
          )}
        {(kind === "failures" || kind === "queue_age") &&
          field(
            "threshold",
            t(`alerts.threshold.${kind}`),
            <input
              name="threshold"
              inputMode="numeric"
              className={`${input} block w-32`}
              value={threshold}
              onChange={(e) => setThreshold(e.target.value)}
              disabled={disabled}
              {...aria("threshold")}
            />,
          )}
        {kind === "failures" &&
          field(
            "windowMin",
            t("alerts.windowMin"),
            <input
              name="windowMin"
              inputMode="numeric"
              className={`${input} block w-32`}
              value={windowMin}
              onChange={(e) => setWindowMin(e.target.value)}
              disabled={disabled}
              {...aria("windowMin")}
            />,
          )}
        <div className="flex gap-2 pt-6">
          <button
            type="submit"
            className={primary}
            disabled={disabled}
            title={canWrite ? undefined : t("action.readOnly")}
          >
            {editing ? t("alerts.save") : t("alerts.create")}
          </button>
          {editing && (
            <button type="button" className={button} onClick={() => onDone(null)}>
              {t("alerts.cancel")}
            </button>
          )}
        </div>
      </form>
      {result && (result.ok || !result.field) && <Answer result={result} />}
    </section>
  );
}

/** The Alerts page: every rule with its state for everyone; the form and the buttons for admins. */
export function AlertsList({
  rules,
  intervalSec,
  nowMs,
  actions,
}: {
  rules: AlertRule[];
  intervalSec: number;
  nowMs: number;
  actions: AlertsActions;
}) {
  const t = useT();
  const canWrite = useCanWrite();
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [notice, setNotice] = useState<AlertResult | null>(null);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">{t("alerts.title")}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{t("alerts.intro", { interval: intervalSec })}</p>
        {!canWrite && <p className="text-sm text-zinc-500">{t("alerts.viewerNote")}</p>}
      </div>
      {canWrite && (
        <RuleForm
          key={editing ? `edit-${editing.id}` : "add"}
          t={t}
          editing={editing}
          actions={actions}
          onDone={(r) => {
            setEditing(null);
            setNotice(editing ? r : null);
          }}
        />
      )}
      {notice && <Answer result={notice} data-notice />}
      {rules.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("alerts.empty")}</p>
      ) : (
        <DataTable
          columns={[
            { label: t("alerts.name") },
            { label: t("alerts.kind") },
            { label: t("alerts.state") },
            { label: t("alerts.actions") },
          ]}
        >
          {rules.map((r) => {
            const state = r.enabled ? r.state : "disabled";
            return (
              <tr key={r.id} data-rule={r.name} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className={`${td} break-words font-medium`}>{r.name}</td>
                <td className={td}>
                  <span className="block">{t(`alerts.kind.${r.kind}`)}</span>
                  <span className="block text-xs text-zinc-500">{describe(t, r)}</span>
                </td>
                <td className={`${td} whitespace-nowrap`}>
                  <span
                    data-state={state}
                    className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATE_BADGE[state]}`}
                  >
                    {t(`alerts.state.${state}`)}
                  </span>
                  {/* "since 3 min ago", the exact time on hover: one short line, so the table fits a phone. */}
                  {r.enabled && r.stateChangedAtMs !== null && (
                    <span
                      className="mt-1 block text-xs text-zinc-500"
                      title={formatWhen(t, r.stateChangedAtMs, nowMs).split(" · ")[1]}
                    >
                      {formatWhen(t, r.stateChangedAtMs, nowMs).split(" · ")[0]}
                    </span>
                  )}
                </td>
                <td className={td}>
                  {/* Buttons wrap between each other, never inside a label (CJK labels broke per character). */}
                  <div className="flex flex-wrap items-start gap-2 [&_button]:whitespace-nowrap">
                    <button
                      type="button"
                      className={button}
                      disabled={!canWrite}
                      title={canWrite ? undefined : t("action.readOnly")}
                      onClick={() => (setNotice(null), setEditing(r))}
                    >
                      {t("alerts.edit")}
                    </button>
                    <ConfirmButton
                      label={r.enabled ? t("alerts.disable") : t("alerts.enable")}
                      action={() => actions.setEnabled(r.id, !r.enabled)}
                    />
                    <ConfirmButton
                      label={t("alerts.remove")}
                      question={t("alerts.removeConfirm", { name: r.name })}
                      action={() => actions.remove(r.id)}
                      onDone={(res) => setNotice(res.ok ? res : null)}
                      quiet
                      danger
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
