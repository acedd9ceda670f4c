"use server";

import { z } from "zod";
import { getConnection } from "@/lib/redis";
import {
  assertFailedListName,
  clearFailed,
  clearRetriedFailed,
  removeAllFailed,
  removeFailed,
  retryAllFailed,
  retryFailed,
  type FailedFilter,
  type SkippedId,
} from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import { FAILED_ID, MAX_FILTER_LENGTH, MAX_IDS_PER_ACTION } from "@/lib/dashboard/failed-query";
import { dashboardAction, sentence, type Answer } from "../../action";

function isFailedList(list: string): boolean {
  try {
    assertFailedListName(list);
    return true;
  } catch {
    return false;
  }
}

/** 1 to 1,000 failed-job ids (`<index>-<16 hex>`). */
const failedIds = z
  .array(z.string({ error: "failed.invalid.ids" }).regex(FAILED_ID, { error: "failed.invalid.ids" }), {
    error: "failed.invalid.ids",
  })
  .min(1, { error: "failed.invalid.ids" })
  .max(MAX_IDS_PER_ACTION, { error: "failed.invalid.ids" });

/**
 * Which failure list (`failed`, the default, or Ruby's `<queue>_failed`) and, for retries,
 * whether the record stays (Ruby's resque-web default) or goes (ours). Anything but an object
 * means the defaults, and anything but `keep: true` removes, as the page has always sent them.
 */
const options = z
  .preprocess(
    (o) => (typeof o === "object" && o !== null && !Array.isArray(o) ? o : {}),
    z.object({
      list: z
        .string({ error: "failed.invalid.list" })
        .refine(isFailedList, { error: "failed.invalid.list" })
        .nullish()
        .transform((l) => l ?? "failed"),
      keep: z
        .unknown()
        .optional()
        .transform((k) => k === true),
    }),
  )
  .optional()
  .transform((o) => o ?? { list: "failed", keep: false });

const FILTER_FIELDS = ["queue", "class", "exception", "text"] as const;
const filterValue = z
  .string({ error: "failed.invalid.filter" })
  .max(MAX_FILTER_LENGTH, { error: "failed.invalid.filter" })
  .optional();

/** Only the four known fields, each a bounded string; empty ones are dropped. */
const failedFilter = z
  .strictObject(
    { queue: filterValue, class: filterValue, exception: filterValue, text: filterValue },
    {
      error: "failed.invalid.filter",
    },
  )
  .transform((f) => {
    const out: FailedFilter = {};
    for (const k of FILTER_FIELDS) if (f[k]) out[k] = f[k];
    return out;
  });

/** The list is checked before the ids or the filter, so a bad list is what the answer names. */
const listFirst = (issues: z.core.$ZodIssue[], t: Translate): Answer => ({
  code: "invalid",
  message: sentence(t, issues.find((i) => i.path[0] === 1) ?? issues[0]!),
});

/** `queue=email class=SendEmail`: the audit log's target for a filtered bulk action. */
function describeFilter(list: string, f: FailedFilter): string {
  const parts = [list.slice(0, MAX_FILTER_LENGTH)];
  for (const k of FILTER_FIELDS) if (f[k]) parts.push(`${k}=${JSON.stringify(f[k])}`);
  return parts.join(" ");
}

/**
 * "12 jobs retried, 1 skipped: it changed since the page was drawn." — what happened, then each
 * kind of skip with its count (the engine's sentence quoted for the first skip that is not
 * stale), branching on the engine's code for each skipped id.
 */
function outcome(t: Translate, done: string, doneCount: number, skipped: SkippedId[]): Answer {
  const parts = [done];
  const stale = skipped.filter((s) => s.code === "stale").length;
  const other = skipped.filter((s) => s.code !== "stale");
  if (stale) parts.push(t("failed.msg.skippedStale", { count: stale }));
  if (other.length) parts.push(t("failed.msg.skippedOther", { reason: other[0]!.reason, count: other.length }));
  const message = parts.join(t("failed.msg.join")) + t("failed.msg.end");
  if (skipped.length === 0) return { code: "ok", message };
  const items = skipped.slice(0, MAX_IDS_PER_ACTION).map(({ id, code }) => ({ id, code }));
  const code = doneCount > 0 ? "partial" : other.length ? "conflict" : "stale";
  return { code, message, skipped: items };
}

const retried = (t: Translate, n: number, keep: boolean) =>
  t(keep ? "failed.msg.retriedKept" : "failed.msg.retried", { count: n });
const removed = (t: Translate, n: number) => t("failed.msg.removed", { count: n });

/** Retries failures by id (one, or the selected ones): each goes back to its queue; the record goes too unless `keep`. */
export const retryFailedAction = dashboardAction({
  action: (input) => (input?.[1].keep ? "failed.retry_keep" : "failed.retry"),
  input: z.tuple([failedIds, options]),
  audit: ([ids, { list }]) => ({ target: list.slice(0, MAX_FILTER_LENGTH), items: ids }),
  invalid: listFirst,
  perform: async ([ids, { list, keep }], { t }) => {
    const r = await retryFailed(getConnection(), ids, { list, remove: !keep });
    return outcome(t, retried(t, r.retried, keep), r.retried, r.skipped);
  },
});

/** Removes failures by id, each verified against the bytes the page saw. */
export const removeFailedAction = dashboardAction({
  action: "failed.remove",
  input: z.tuple([failedIds, options]),
  audit: ([ids, { list }]) => ({ target: list.slice(0, MAX_FILTER_LENGTH), items: ids }),
  invalid: listFirst,
  perform: async ([ids, { list }], { t }) => {
    const r = await removeFailed(getConnection(), ids, { list });
    return outcome(t, removed(t, r.removed), r.removed, r.skipped);
  },
});

/** Retries every failure matching the filter (all of them without one). */
export const retryAllFailedAction = dashboardAction({
  action: (input) => (input?.[1].keep ? "failed.retry_all_keep" : "failed.retry_all"),
  input: z.tuple([failedFilter, options]),
  audit: ([filter, { list }]) => ({ target: describeFilter(list, filter) }),
  invalid: listFirst,
  perform: async ([filter, { list, keep }], { t }) => {
    const r = await retryAllFailed(getConnection(), filter, { list, remove: !keep });
    return outcome(t, retried(t, r.retried, keep), r.retried, r.skipped);
  },
});

/** Removes every failure matching the filter; an empty filter clears the list. */
export const removeAllFailedAction = dashboardAction({
  action: "failed.remove_all",
  input: z.tuple([failedFilter, options]),
  audit: ([filter, { list }]) => ({ target: describeFilter(list, filter) }),
  invalid: listFirst,
  perform: async ([filter, { list }], { t }) => {
    const r = await removeAllFailed(getConnection(), filter, { list });
    return outcome(t, removed(t, r.removed), r.removed, r.skipped);
  },
});

/** Deletes the whole failure list (Ruby's `Resque::Failure.clear`). */
export const clearFailedAction = dashboardAction({
  action: "failed.clear",
  input: z.tuple([options]),
  audit: ([{ list }]) => ({ target: list.slice(0, MAX_FILTER_LENGTH) }),
  perform: async ([{ list }], { t }) => {
    const n = await clearFailed(getConnection(), { list });
    return {
      code: "ok",
      message: t("failed.msg.cleared", { list, count: n }),
    };
  },
});

/** resque-web's "Clear Retried Jobs": removes the records a keep-retry left behind. */
export const clearRetriedFailedAction = dashboardAction({
  action: "failed.clear_retried",
  input: z.tuple([options]),
  audit: ([{ list }]) => ({ target: list.slice(0, MAX_FILTER_LENGTH) }),
  perform: async ([{ list }], { t }) => {
    const r = await clearRetriedFailed(getConnection(), { list });
    return outcome(t, removed(t, r.removed), r.removed, r.skipped);
  },
});
