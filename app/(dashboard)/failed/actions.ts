"use server";

import { getConnection } from "@/lib/redis";
import {
  assertFailedListName,
  clearFailed,
  clearRetriedFailed,
  removeAllFailed,
  removeFailed,
  retryAllFailed,
  retryFailed,
  type Connection,
  type FailedFilter,
  type SkippedId,
} from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import { plural } from "@/lib/format";
import { FAILED_ID, MAX_FILTER_LENGTH, MAX_IDS_PER_ACTION } from "@/lib/dashboard/failed-query";
import { auditedAction } from "../../action";
import type { ActionResult, FailedActionOptions } from "@/lib/dashboard/action-result";

function validList(list: unknown): list is string {
  try {
    assertFailedListName(list as string);
    return true;
  } catch {
    return false;
  }
}

function validIds(ids: unknown): ids is string[] {
  return (
    Array.isArray(ids) &&
    ids.length > 0 &&
    ids.length <= MAX_IDS_PER_ACTION &&
    ids.every((id) => typeof id === "string" && FAILED_ID.test(id))
  );
}

const FILTER_FIELDS = ["queue", "class", "exception", "text"] as const;

/** Only the four known fields, each a bounded string; returns null for anything else. */
function cleanFilter(f: unknown): FailedFilter | null {
  if (typeof f !== "object" || f === null || Array.isArray(f)) return null;
  const out: FailedFilter = {};
  for (const [k, v] of Object.entries(f)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(k)) return null;
    if (v === undefined || v === "") continue;
    if (typeof v !== "string" || v.length > MAX_FILTER_LENGTH) return null;
    out[k as (typeof FILTER_FIELDS)[number]] = v;
  }
  return out;
}

/** The engine says "changed or was removed" for an id whose record is no longer where the page saw it. */
const isStale = (s: SkippedId) => /changed or was removed/.test(s.reason);

/**
 * "12 jobs retried, 1 skipped: it changed since the page was drawn." — what happened, then each
 * kind of skip with its count (other reasons quoted from the engine, the first one only).
 */
function outcome(
  t: Translate,
  done: string,
  doneCount: number,
  skipped: SkippedId[],
): ActionResult & { partial?: boolean } {
  const parts = [done];
  const stale = skipped.filter(isStale).length;
  const other = skipped.filter((s) => !isStale(s));
  if (stale)
    parts.push(plural(t, { one: "failed.msg.skippedStale.one", other: "failed.msg.skippedStale.other" }, stale));
  if (other.length)
    parts.push(
      plural(t, { one: "failed.msg.skippedOther.one", other: "failed.msg.skippedOther.other" }, other.length, {
        reason: other[0]!.reason,
      }),
    );
  return {
    ok: doneCount > 0 || skipped.length === 0,
    partial: doneCount > 0 && skipped.length > 0,
    message: parts.join(t("failed.msg.join")) + t("failed.msg.end"),
  };
}

const retried = (t: Translate, n: number, keep: boolean) =>
  plural(
    t,
    keep
      ? { one: "failed.msg.retriedKept.one", other: "failed.msg.retriedKept.other" }
      : { one: "failed.msg.retried.one", other: "failed.msg.retried.other" },
    n,
  );
const removed = (t: Translate, n: number) =>
  plural(t, { one: "failed.msg.removed.one", other: "failed.msg.removed.other" }, n);

/** Every failed-list action: the audited-action shape, a valid list, and one engine call. */
function failedAction(
  action: string,
  a: { list: unknown; target?: string; items?: string[]; invalid?: (t: Translate) => string | null },
  perform: (conn: Connection, list: string, t: Translate) => Promise<ActionResult & { partial?: boolean }>,
): Promise<ActionResult> {
  const list = a.list ?? "failed";
  return auditedAction({
    action,
    target: a.target ?? (typeof list === "string" ? list.slice(0, MAX_FILTER_LENGTH) : null),
    items: a.items,
    validate: (t) => (validList(list) ? (a.invalid?.(t) ?? null) : t("failed.invalid.list")),
    perform: (t) => perform(getConnection(), list as string, t),
    revalidate: ["/failed"],
  });
}

/** `queue=email class=SendEmail`: the audit log's target for a filtered bulk action. */
function describeFilter(list: unknown, f: FailedFilter | null): string {
  const parts = [String(list ?? "failed").slice(0, MAX_FILTER_LENGTH)];
  for (const k of FILTER_FIELDS) if (f?.[k]) parts.push(`${k}=${JSON.stringify(f[k])}`);
  return parts.join(" ");
}

/** Retries failures by id (one, or the selected ones): each goes back to its queue; the record goes too unless `keep`. */
export async function retryFailedAction(ids: string[], opts: FailedActionOptions = {}): Promise<ActionResult> {
  const keep = opts?.keep === true;
  return failedAction(
    keep ? "failed.retry_keep" : "failed.retry",
    {
      list: opts?.list,
      items: validIds(ids) ? ids : undefined,
      invalid: (t) => (validIds(ids) ? null : t("failed.invalid.ids")),
    },
    async (conn, list, t) => {
      const r = await retryFailed(conn, ids, { list, remove: !keep });
      return outcome(t, retried(t, r.retried, keep), r.retried, r.skipped);
    },
  );
}

/** Removes failures by id, each verified against the bytes the page saw. */
export async function removeFailedAction(ids: string[], opts: FailedActionOptions = {}): Promise<ActionResult> {
  return failedAction(
    "failed.remove",
    {
      list: opts?.list,
      items: validIds(ids) ? ids : undefined,
      invalid: (t) => (validIds(ids) ? null : t("failed.invalid.ids")),
    },
    async (conn, list, t) => {
      const r = await removeFailed(conn, ids, { list });
      return outcome(t, removed(t, r.removed), r.removed, r.skipped);
    },
  );
}

/** Retries every failure matching the filter (all of them without one). */
export async function retryAllFailedAction(
  filter: FailedFilter,
  opts: FailedActionOptions = {},
): Promise<ActionResult> {
  const keep = opts?.keep === true;
  const f = cleanFilter(filter);
  return failedAction(
    keep ? "failed.retry_all_keep" : "failed.retry_all",
    {
      list: opts?.list,
      target: describeFilter(opts?.list, f),
      invalid: (t) => (f ? null : t("failed.invalid.filter")),
    },
    async (conn, list, t) => {
      const r = await retryAllFailed(conn, f!, { list, remove: !keep });
      return outcome(t, retried(t, r.retried, keep), r.retried, r.skipped);
    },
  );
}

/** Removes every failure matching the filter; an empty filter clears the list. */
export async function removeAllFailedAction(
  filter: FailedFilter,
  opts: FailedActionOptions = {},
): Promise<ActionResult> {
  const f = cleanFilter(filter);
  return failedAction(
    "failed.remove_all",
    {
      list: opts?.list,
      target: describeFilter(opts?.list, f),
      invalid: (t) => (f ? null : t("failed.invalid.filter")),
    },
    async (conn, list, t) => {
      const r = await removeAllFailed(conn, f!, { list });
      return outcome(t, removed(t, r.removed), r.removed, r.skipped);
    },
  );
}

/** Deletes the whole failure list (Ruby's `Resque::Failure.clear`). */
export async function clearFailedAction(opts: FailedActionOptions = {}): Promise<ActionResult> {
  return failedAction("failed.clear", { list: opts?.list }, async (conn, list, t) => {
    const n = await clearFailed(conn, { list });
    return {
      ok: true,
      message: plural(t, { one: "failed.msg.cleared.one", other: "failed.msg.cleared.other" }, n, { list }),
    };
  });
}

/** resque-web's "Clear Retried Jobs": removes the records a keep-retry left behind. */
export async function clearRetriedFailedAction(opts: FailedActionOptions = {}): Promise<ActionResult> {
  return failedAction("failed.clear_retried", { list: opts?.list }, async (conn, list, t) => {
    const r = await clearRetriedFailed(conn, { list });
    return outcome(t, removed(t, r.removed), r.removed, r.skipped);
  });
}
