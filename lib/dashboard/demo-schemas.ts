/**
 * The arguments of the demo's server actions as zod schemas, one per argument (the actions put
 * them in their `input` tuples): app/(dashboard)/products/actions.ts, users/actions.ts and
 * exports/actions.ts. Here rather than in those "use server" files so that
 * tests/unit/demo-validation.test.ts parses them as they are. Each refusal is a message key of
 * lib/i18n (see lib/dashboard/action-schema.ts); the data layer's parsers (lib/db) do most of the
 * checking. No React, no Next.js.
 */
import { z } from "zod";
import { MAX_MESSAGE_LENGTH, parseIds, parseProductFilter, parseProductInput, shownId } from "@/lib/db";
import { checked, keyed, refuse } from "./action-schema";

// --- Products ---------------------------------------------------------------------------------

/** The product form, checked by the data layer's schema (prices in yuan → cents). */
export const productForm = checked(parseProductInput);
/** One product id, as the edit page binds it. */
export const productId = checked((v) => parseIds([v])).transform((ids) => ids[0]!);
/** The selected products' ids. */
export const productIds = checked(parseIds);
/** A filter as the list's URL has it (the page always sends one: `{}` for everything). */
export const productFilter = z
  .record(z.string(), z.unknown(), { error: "demo.invalid.notAnObject" })
  .pipe(checked((f: Record<string, unknown>) => parseProductFilter(f)));

/** Anything but a plain object reads as an empty form. */
const formObject = (o: unknown) => (typeof o === "object" && o !== null && !Array.isArray(o) ? o : {});

/**
 * "Export to CSV"'s argument: the selected ids when there are any, else the filter. A missing
 * filter is refused, not read as "every product" (which the filter parser would do).
 */
export const exportSelection = z
  .preprocess(formObject, z.object({ ids: z.unknown().optional(), filter: z.unknown().optional() }))
  .transform((raw): { by: "ids"; ids: unknown } | { by: "filter"; filter: unknown } =>
    raw.ids !== undefined && !(Array.isArray(raw.ids) && raw.ids.length === 0)
      ? { by: "ids" as const, ids: raw.ids }
      : { by: "filter" as const, filter: raw.filter },
  )
  .pipe(
    z.discriminatedUnion("by", [
      z.object({ by: z.literal("ids"), ids: productIds }),
      z.object({ by: z.literal("filter"), filter: productFilter }),
    ]),
  );

// --- Users ------------------------------------------------------------------------------------

/** The selected users: an empty selection answers the PHP original's 请选择要发送的用户. */
export const userIds = checked((v) => parseIds(v, { emptyKey: "demo.users.noneSelected" }));

/**
 * Who a send goes to: the selected ids, or `{ q }` for every user the search matches ("select all
 * N matching", as the products' export takes its filter when nothing is picked).
 */
export const userTargets = z.unknown().transform((v, ctx): { ids: number[] } | { q: string } => {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.hasOwn(v, "q")) {
    const q = (v as { q?: unknown }).q;
    if (typeof q === "string" && q.length <= 100) return { q: q.trim() };
    ctx.addIssue(refuse("demo.filter.q.tooLong", { max: 100 }, "q"));
    return z.NEVER;
  }
  const r = userIds.safeParse(v);
  if (r.success) return { ids: r.data };
  for (const i of r.error.issues)
    ctx.addIssue({ code: "custom", message: i.message, params: "params" in i ? i.params : {} });
  return z.NEVER;
});

/** The notification's or e-mail's text: trimmed, not empty, at most MAX_MESSAGE_LENGTH characters. */
export const userMessage = z
  .string({ error: "demo.message.required" })
  .trim()
  .min(1, { error: "demo.message.required" })
  .refine((m) => m.length <= MAX_MESSAGE_LENGTH, {
    error: "demo.message.tooLong",
    params: { max: MAX_MESSAGE_LENGTH },
  });

export const MAX_SUBJECT_LENGTH = 200;
/** The subject an e-mail gets when none is given. */
export const DEFAULT_SUBJECT = "Resque Admin";
/** Absent or empty means the default subject; a line break would be a header injection attempt. */
export const emailSubject = keyed(
  z
    .string()
    .trim()
    .max(MAX_SUBJECT_LENGTH)
    .regex(/^\P{Cc}*$/u)
    .nullish(),
  "demo.subject.invalid",
  { max: MAX_SUBJECT_LENGTH },
).transform((s) => s || DEFAULT_SUBJECT);

// --- Exports ----------------------------------------------------------------------------------

/** An export id as the page binds it: a positive integer (a string, even of digits, is a forged request). */
export const exportId = z.unknown().transform((id, ctx) => {
  if (Number.isSafeInteger(id) && (id as number) > 0) return id as number;
  ctx.addIssue(refuse("demo.ids.malformed", { ids: shownId(id) }));
  return z.NEVER;
});
