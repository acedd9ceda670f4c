/**
 * The Alerts page's argument schemas (app/(dashboard)/alerts/actions.ts), here so they are pure
 * and testable. A rule's numbers are checked by its kind: a failures rule needs a count and a
 * window, a queue-age rule a number of seconds; the others need neither.
 */
import { z } from "zod";
import { isAlertKind, MAX_ALERT_WINDOW_MIN, type AlertKind, type AlertRuleInput } from "@/lib/db/alerts";
import { QUEUE_NAME } from "@/lib/resque/keys";
import { refuse } from "./action-schema";

export const MAX_FAILURES_THRESHOLD = 1_000_000_000;
/** A week: an older queue head is found by any smaller limit. */
export const MAX_AGE_SEC = 604_800;
export const MAX_WINDOW_MIN = MAX_ALERT_WINDOW_MIN;

/** Anything but a plain object reads as an empty form; a missing field reads as "" (zod 4 refuses an absent key a transform fills). */
function formFields(o: unknown): Record<"name" | "kind" | "queue" | "threshold" | "windowMin", unknown> {
  const f = (typeof o === "object" && o !== null && !Array.isArray(o) ? o : {}) as Record<string, unknown>;
  return {
    name: f.name ?? "",
    kind: f.kind ?? "",
    queue: f.queue ?? "",
    threshold: f.threshold ?? "",
    windowMin: f.windowMin ?? "",
  };
}
const text = z.unknown().transform((v) => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : ""));
const wholeIn = (v: string, min: number, max: number) => /^\d{1,10}$/.test(v) && +v >= min && +v <= max;

export const alertRuleInput = z.preprocess(
  formFields,
  z
    .object({ name: text, kind: z.unknown(), queue: text, threshold: text, windowMin: text })
    .transform((v, ctx): AlertRuleInput => {
      if (v.name.length < 1 || v.name.length > 100) ctx.addIssue(refuse("alerts.nameMissing", {}, "name"));
      if (!isAlertKind(v.kind)) {
        ctx.addIssue(refuse("alerts.badKind", {}, "kind"));
        return z.NEVER;
      }
      const kind: AlertKind = v.kind;
      if ((kind === "queue_age" || kind === "queue_no_worker") && v.queue !== "" && !QUEUE_NAME.test(v.queue))
        ctx.addIssue(refuse("alerts.badQueue", {}, "queue"));
      const max = kind === "failures" ? MAX_FAILURES_THRESHOLD : MAX_AGE_SEC;
      const min = kind === "failures" ? 0 : 1;
      if ((kind === "failures" || kind === "queue_age") && !wholeIn(v.threshold, min, max))
        ctx.addIssue(refuse("alerts.badThreshold", { min, max }, "threshold"));
      if (kind === "failures" && !wholeIn(v.windowMin, 1, MAX_WINDOW_MIN))
        ctx.addIssue(refuse("alerts.badWindow", { max: MAX_WINDOW_MIN }, "windowMin"));
      return {
        name: v.name,
        kind,
        queue: v.queue,
        threshold: Number(v.threshold) || 0,
        windowMin: Number(v.windowMin) || 0,
      };
    }),
);

export const alertRuleId = z.custom<number>((id) => Number.isSafeInteger(id) && (id as number) > 0, {
  error: "alerts.badId",
});
