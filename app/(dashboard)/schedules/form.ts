import { buildScheduleConfig, InvalidScheduleError, type JobRegistry, type ScheduleInput } from "@/lib/resque/index";
import { isMessageKey, type MessageKey, type Translate } from "@/lib/i18n";
import type { ScheduleForm, ScheduleFormField } from "@/lib/dashboard/contracts";

const MAX_TEXT = 1000;
const MAX_ARGS = 1 << 20;

/** A refusal to put into words: a message key with its values, or the engine's own sentence when it names no problem we word. */
export type Problem = { key: MessageKey; values?: Record<string, string> } | { text: string };

/** One field's refusal. */
export interface FieldProblem {
  field: ScheduleFormField;
  problem: Problem;
}

/** Values the engine accepts, put in place of a field already refused so its checks go on to the next field. */
const NEUTRAL: Partial<Record<ScheduleFormField, Partial<ScheduleInput>>> = {
  name: { name: "x" },
  // Not registered, and accepted as such below: a php or Ruby worker may run it.
  class: { className: "Placeholder" },
  cron: { cron: "* * * * *", every: undefined },
  timezone: { timezone: undefined },
  every: { every: "1m" },
  queue: { queue: undefined },
  args: { args: undefined, argsArray: undefined, className: "Placeholder" },
};

/**
 * The form's values (untrusted: a replayed POST can send anything) → the engine's ScheduleInput,
 * or every field's problem at once (so a user fixes them in one pass, not one per save). The
 * engine's own checks (cron, zone, interval, queue name) run here too, before anything touches
 * Redis; with `registry`, args are checked against a registered class's schema as the CLI's
 * `schedule` command does. A class the registry does not know is accepted (a php or Ruby worker
 * may run it): the form warns about it instead.
 */
export function readScheduleForm(
  form: unknown,
  registry?: JobRegistry,
): { input: ScheduleInput } | { problems: FieldProblem[] } {
  const f = (typeof form === "object" && form !== null ? form : {}) as Partial<Record<keyof ScheduleForm, unknown>>;
  const text = (v: unknown, max = MAX_TEXT) => (typeof v === "string" && v.length <= max ? v.trim() : null);
  const problems: FieldProblem[] = [];
  const refused = (field: ScheduleFormField) => problems.some((p) => p.field === field);
  const refuse = (field: ScheduleFormField, problem: Problem) => {
    if (!refused(field)) problems.push({ field, problem });
  };
  const kind = f.kind === "every" ? "every" : "cron";
  const fields: Array<[ScheduleFormField, unknown, number?]> = [
    ["name", f.name, 200],
    ["class", f.className],
    // The timing fields the other kind would use are ignored, so they are not checked either.
    ...(kind === "cron"
      ? ([
          ["cron", f.cron],
          ["timezone", f.timezone],
        ] as Array<[ScheduleFormField, unknown]>)
      : ([["every", f.every]] as Array<[ScheduleFormField, unknown]>)),
    ["queue", f.queue],
    ["description", f.description],
    ["args", f.args, MAX_ARGS],
  ];
  for (const [field, v, max] of fields)
    if (text(v, max) === null)
      refuse(field, { key: typeof v === "string" ? "schedules.form.tooLong" : "schedules.form.required" });
  const name = text(f.name) ?? "";
  const className = text(f.className) ?? "";
  if (!name) refuse("name", { key: "schedules.form.required" });
  if (!className) refuse("class", { key: "schedules.form.required" });
  const timing =
    kind === "cron"
      ? { cron: text(f.cron) ?? "", timezone: text(f.timezone) || undefined }
      : { every: text(f.every) ?? "" };
  if (kind === "cron" && !timing.cron) refuse("cron", { key: "schedules.form.required" });
  if (kind === "every" && !timing.every) refuse("every", { key: "schedules.form.required" });
  const argsText = text(f.args, MAX_ARGS) ?? "";
  let args: Pick<ScheduleInput, "args" | "argsArray"> = { argsArray: [] };
  if (argsText) {
    try {
      const value: unknown = JSON.parse(argsText);
      args = Array.isArray(value) ? { argsArray: value } : { args: value };
    } catch (e) {
      refuse("args", { key: "schedules.form.badJson", values: { error: (e as Error).message } });
    }
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
  // The engine stops at its first refusal: each refused field is replaced by a value it accepts
  // and the check runs again, until it passes or refuses a field a second time.
  let probe: ScheduleInput = { ...input };
  for (const p of problems) probe = { ...probe, ...NEUTRAL[p.field] };
  for (let round = 0; round < 8; round++) {
    try {
      buildScheduleConfig(probe, { registry, allowUnknownClass: true });
      break;
    } catch (e) {
      if (!(e instanceof InvalidScheduleError)) throw e;
      if (e.field === "entry" || refused(e.field)) break;
      refuse(e.field, engineProblem(e));
      probe = { ...probe, ...NEUTRAL[e.field] };
    }
  }
  return problems.length ? { problems } : { input };
}

/** readScheduleForm with the problems in the reader's language: the first one's field and sentence, and every field's. */
export function checkScheduleForm(
  form: unknown,
  t: Translate,
  registry?: JobRegistry,
):
  | { input: ScheduleInput }
  | { field: ScheduleFormField; message: string; fields: Partial<Record<ScheduleFormField, string>> } {
  const r = readScheduleForm(form, registry);
  if ("input" in r) return r;
  const fields: Partial<Record<ScheduleFormField, string>> = {};
  for (const p of r.problems) fields[p.field] = problemText(t, p.problem);
  const first = r.problems[0]!;
  return { field: first.field, message: fields[first.field]!, fields };
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
