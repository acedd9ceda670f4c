/**
 * How the demo's data functions report bad input: message keys of lib/i18n/messages/demo.ts with
 * their values, per field, so a page shows each message beside its field in the reader's language
 * and the CLI or a test can print it in English. Nothing is written when input is refused.
 */
import { translator } from "../i18n/index";
import type { en } from "../i18n/messages/demo";

export type DemoMessageKey = keyof typeof en;

export interface Problem {
  key: DemoMessageKey;
  values?: Record<string, string | number>;
}

/** One problem per field (the first found); `_form` holds one about the input as a whole. */
export type FieldErrors = Partial<Record<string, Problem>>;

export interface Invalid {
  ok: false;
  fieldErrors: FieldErrors;
}

export type Checked<T> = { ok: true; value: T } | Invalid;

export function invalid(field: string, key: DemoMessageKey, values?: Problem["values"]): Invalid {
  return { ok: false, fieldErrors: { [field]: { key, values } } };
}

/** English text of every problem, `field: message; …`, for logs, the CLI and thrown errors. */
export function describeInvalid(errors: FieldErrors): string {
  const t = translator("en");
  return Object.entries(errors)
    .map(([field, p]) => `${field === "_form" ? "" : `${field}: `}${t(p!.key, p!.values)}`)
    .join("; ");
}

/**
 * Zod issues → FieldErrors. Schemas here use message keys as their error messages (`{ error:
 * "demo.product.price.invalid" }`); values such as `{max}` are attached from `values`.
 */
export function fieldErrorsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  values: Partial<Record<DemoMessageKey, Problem["values"]>> = {},
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length ? String(issue.path[0]) : "_form";
    if (out[field]) continue;
    const key = (issue.message.startsWith("demo.") ? issue.message : "demo.invalid.form") as DemoMessageKey;
    out[field] = { key, values: values[key] };
  }
  return out;
}

/** Most ids one batch action takes: bounds the statement and the pipeline it turns into. */
export const MAX_BATCH_IDS = 10_000;

/**
 * Selected ids from a form (`"1,2,3"`, `["1","2"]`, numbers): positive integers, duplicates
 * dropped, at most MAX_BATCH_IDS. Refusals name the offending values (the first 10).
 */
export function parseIds(input: unknown, opts: { emptyKey?: DemoMessageKey; max?: number } = {}): Checked<number[]> {
  const max = opts.max ?? MAX_BATCH_IDS;
  const parts: unknown[] =
    input == null ? [] : Array.isArray(input) ? input : typeof input === "string" ? input.split(",") : [input];
  const raw = parts.map((p) => (typeof p === "string" ? p.trim() : p)).filter((p) => p !== "");
  if (raw.length === 0) return invalid("ids", opts.emptyKey ?? "demo.ids.empty");
  if (raw.length > max) return invalid("ids", "demo.ids.tooMany", { max, count: raw.length });
  const bad: string[] = [];
  const ids = new Set<number>();
  for (const p of raw) {
    const n = typeof p === "number" ? p : typeof p === "string" && /^\d{1,15}$/.test(p) ? Number(p) : NaN;
    if (Number.isSafeInteger(n) && n > 0) ids.add(n);
    else bad.push(shownId(p));
  }
  if (bad.length) return invalid("ids", "demo.ids.malformed", { ids: listForMessage(bad) });
  return { ok: true, value: [...ids] };
}

/** A refused id as the message shows it: strings quoted, and `{"id":5}` rather than `[object Object]`. */
export function shownId(p: unknown): string {
  if (typeof p === "string") return JSON.stringify(p.slice(0, 40));
  if (typeof p === "object" && p !== null) return (JSON.stringify(p) ?? String(p)).slice(0, 40);
  return String(p);
}

/** `a, b, c` — the first 10, then `… (+N more)`, so a message about 10,000 ids stays readable. */
export function listForMessage(items: readonly (string | number)[]): string {
  const head = items.slice(0, 10).join(", ");
  return items.length > 10 ? `${head} … (+${items.length - 10})` : head;
}
