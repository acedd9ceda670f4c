/**
 * The zod half of the action recipe (app/action.ts, step 1 and step 3): how an argument schema
 * says what it refuses (a message key of lib/i18n, its values and the form field, in the issue's
 * `params`), and how an issue becomes a sentence in the reader's language. Pure: no React, no
 * Next.js, so argument schemas built with these (lib/dashboard/demo-schemas.ts) are unit-tested
 * as they are. app/action.ts re-exports them for the actions.
 */
import { z } from "zod";
import type { Checked } from "@/lib/db";
import { isMessageKey, type Translate } from "@/lib/i18n";

/**
 * A zod issue in the recipe's terms: `key` is the message (a message key, or a sentence to show
 * as it is), `values` fill it in, `field` names the form input it is about. For `ctx.addIssue`
 * in a `superRefine` or `transform`.
 */
export function refuse(
  key: string,
  values: Record<string, string | number> = {},
  field?: string,
): { code: "custom"; message: string; params: Record<string, string | number> } {
  return { code: "custom", message: key, params: field ? { ...values, field } : values };
}

/**
 * `schema`, with any refusal of it said as `key` (with `values`): for checks whose message needs
 * values zod's own checks cannot carry, or several checks that share one sentence.
 */
export function keyed<T extends z.ZodType>(schema: T, key: string, values: Record<string, string | number> = {}) {
  return z.unknown().transform((v, ctx): z.output<T> => {
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    ctx.addIssue(refuse(key, values));
    return z.NEVER;
  });
}

/**
 * One of the data layer's parsers (lib/db answers `Checked<T>`: a message key and values per
 * field) as a schema: each field's problem becomes an issue naming that field.
 */
export function checked<T, I = unknown>(parse: (v: I) => Checked<T>) {
  return z.custom<I>().transform((v, ctx): T => {
    const r = parse(v);
    if (r.ok) return r.value;
    for (const [field, p] of Object.entries(r.fieldErrors)) if (p) ctx.addIssue(refuse(p.key, p.values ?? {}, field));
    return z.NEVER;
  });
}

/**
 * An issue in the reader's language: a message key with its values; a `refuse`d sentence that
 * is not a key (the engine's own English, for a problem it does not name) as it is; zod's own
 * message, had a schema not keyed it, quoted after "Failed:".
 */
export function sentence(t: Translate, issue: z.core.$ZodIssue): string {
  const params: Record<string, string | number> = ("params" in issue && issue.params) || {};
  return isMessageKey(issue.message)
    ? t(issue.message, params)
    : issue.code === "custom"
      ? issue.message
      : t("action.failed", { error: issue.message });
}

/** The form field an issue is about (`refuse`'s `field`), if it names one. */
export function fieldOf(issue: z.core.$ZodIssue): string | undefined {
  const field = "params" in issue ? issue.params?.field : undefined;
  return typeof field === "string" ? field : undefined;
}

/**
 * A stored list entry an action removes: its exact stored text (never a re-serialized copy), at
 * most 1 MiB, or the `{ ref: "<index>-<digest>" }` a page holds for an entry it only shows cut or
 * that is not UTF-8 (read back from Redis by index and digest before acting). `error` is what
 * any refusal says.
 */
export function storedEntry(error: string) {
  return z.union(
    [
      z
        .string({ error })
        .min(1, { error })
        .max(1 << 20, { error }),
      z.strictObject({ ref: z.string().regex(/^\d{1,15}-[0-9a-f]{16}$/) }),
    ],
    { error },
  );
}
