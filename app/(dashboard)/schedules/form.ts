import { buildScheduleConfig, InvalidScheduleError, type ScheduleInput } from "@/lib/resque/index";
import { isMessageKey, type Translate } from "@/lib/i18n";
import type { ScheduleForm, ScheduleFormField } from "@/lib/dashboard/contracts";

const MAX_TEXT = 1000;
const MAX_ARGS = 1 << 20;

/**
 * The form's values (untrusted: a replayed POST can send anything) → the engine's ScheduleInput,
 * or the field to mark and a sentence. The engine's own checks (cron, zone, interval, queue
 * name) run here too, before anything touches Redis.
 */
export function checkScheduleForm(
  form: unknown,
  t: Translate,
): { input: ScheduleInput } | { field: ScheduleFormField; message: string } {
  const f = (typeof form === "object" && form !== null ? form : {}) as Partial<Record<keyof ScheduleForm, unknown>>;
  const text = (v: unknown, max = MAX_TEXT) => (typeof v === "string" && v.length <= max ? v.trim() : null);
  const fields: Array<[ScheduleFormField, unknown, number?]> = [
    ["name", f.name, 200],
    ["class", f.className],
    ["cron", f.cron],
    ["timezone", f.timezone],
    ["every", f.every],
    ["queue", f.queue],
    ["description", f.description],
    ["args", f.args, MAX_ARGS],
  ];
  for (const [field, v, max] of fields)
    if (text(v, max) === null)
      return { field, message: t(typeof v === "string" ? "schedules.form.tooLong" : "schedules.form.required") };
  const name = text(f.name)!;
  const className = text(f.className)!;
  if (!name) return { field: "name", message: t("schedules.form.required") };
  if (!className) return { field: "class", message: t("schedules.form.required") };
  const kind = f.kind === "every" ? "every" : "cron";
  const timing =
    kind === "cron" ? { cron: text(f.cron)!, timezone: text(f.timezone) || undefined } : { every: text(f.every)! };
  if (kind === "cron" && !timing.cron) return { field: "cron", message: t("schedules.form.required") };
  if (kind === "every" && !timing.every) return { field: "every", message: t("schedules.form.required") };
  const argsText = text(f.args, MAX_ARGS)!;
  let args: Pick<ScheduleInput, "args" | "argsArray"> = { argsArray: [] };
  if (argsText) {
    let value: unknown;
    try {
      value = JSON.parse(argsText);
    } catch (e) {
      return { field: "args", message: t("schedules.form.badJson", { error: (e as Error).message }) };
    }
    args = Array.isArray(value) ? { argsArray: value } : { args: value };
  }
  const input: ScheduleInput = {
    name,
    className,
    ...timing,
    queue: text(f.queue) || undefined,
    ...args,
    description: text(f.description) || undefined,
    enabled: f.enabled !== false,
  };
  try {
    buildScheduleConfig(input);
  } catch (e) {
    if (e instanceof InvalidScheduleError) return { field: e.field, message: scheduleProblem(t, e) };
    throw e;
  }
  return { input };
}

/** An engine refusal in the reader's language (the engine's English sentence for a problem it does not name). */
export function scheduleProblem(t: Translate, e: InvalidScheduleError): string {
  const key = `schedules.error.${e.problem}`;
  return isMessageKey(key) ? t(key, e.values) : e.message;
}
