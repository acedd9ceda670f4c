import { buildScheduleConfig, InvalidScheduleError, type ScheduleInput } from "@/lib/resque/index";
import { isMessageKey, type MessageKey, type Translate } from "@/lib/i18n";
import type { ScheduleForm, ScheduleFormField } from "@/lib/dashboard/contracts";

const MAX_TEXT = 1000;
const MAX_ARGS = 1 << 20;

/** A refusal to put into words: a message key with its values, or the engine's own sentence when it names no problem we word. */
export type Problem = { key: MessageKey; values?: Record<string, string> } | { text: string };

/**
 * The form's values (untrusted: a replayed POST can send anything) → the engine's ScheduleInput,
 * or the field to mark and the problem. The engine's own checks (cron, zone, interval, queue
 * name) run here too, before anything touches Redis.
 */
export function readScheduleForm(
  form: unknown,
): { input: ScheduleInput } | { field: ScheduleFormField; problem: Problem } {
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
      return { field, problem: { key: typeof v === "string" ? "schedules.form.tooLong" : "schedules.form.required" } };
  const name = text(f.name)!;
  const className = text(f.className)!;
  if (!name) return { field: "name", problem: { key: "schedules.form.required" } };
  if (!className) return { field: "class", problem: { key: "schedules.form.required" } };
  const kind = f.kind === "every" ? "every" : "cron";
  const timing =
    kind === "cron" ? { cron: text(f.cron)!, timezone: text(f.timezone) || undefined } : { every: text(f.every)! };
  if (kind === "cron" && !timing.cron) return { field: "cron", problem: { key: "schedules.form.required" } };
  if (kind === "every" && !timing.every) return { field: "every", problem: { key: "schedules.form.required" } };
  const argsText = text(f.args, MAX_ARGS)!;
  let args: Pick<ScheduleInput, "args" | "argsArray"> = { argsArray: [] };
  if (argsText) {
    let value: unknown;
    try {
      value = JSON.parse(argsText);
    } catch (e) {
      return { field: "args", problem: { key: "schedules.form.badJson", values: { error: (e as Error).message } } };
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
    if (e instanceof InvalidScheduleError) return { field: e.field, problem: engineProblem(e) };
    throw e;
  }
  return { input };
}

/** readScheduleForm with the problem in the reader's language. */
export function checkScheduleForm(
  form: unknown,
  t: Translate,
): { input: ScheduleInput } | { field: ScheduleFormField; message: string } {
  const r = readScheduleForm(form);
  return "input" in r ? r : { field: r.field, message: problemText(t, r.problem) };
}

/** An engine refusal as a problem: its key when we word it, else the engine's English sentence. */
export function engineProblem(e: InvalidScheduleError): Problem {
  const key = `schedules.error.${e.problem}`;
  return isMessageKey(key) ? { key, values: e.values } : { text: e.message };
}

export function problemText(t: Translate, p: Problem): string {
  return "key" in p ? t(p.key, p.values) : p.text;
}

/** An engine refusal in the reader's language (the engine's English sentence for a problem it does not name). */
export function scheduleProblem(t: Translate, e: InvalidScheduleError): string {
  return problemText(t, engineProblem(e));
}
