import {
  clipPayload,
  clipText,
  countDelayed,
  DELAYED_SEARCH_WINDOW,
  searchDelayed,
  getSchedulerHealth,
  listDelayedItems,
  listDelayedTimestamps,
  LIST_CLIP,
  type DelayedItem,
  type PageOptions,
} from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { DelayedItemsData, DelayedListData } from "@/lib/dashboard/contracts";

/** 9999-12-31 23:59:59 UTC: anything later is a typo, not a plan. */
export const MAX_TIMESTAMP = 253_402_300_799;

/** Whole unix seconds as stored in `delayed_queue_schedule`, or null. */
export function isTimestamp(ts: unknown): ts is number {
  return typeof ts === "number" && Number.isInteger(ts) && ts >= 0 && ts <= MAX_TIMESTAMP;
}

/** A URL segment that is a timestamp ("1795920176"), or null. */
export function parseTimestamp(segment: string): number | null {
  const ts = /^\d{1,12}$/.test(segment) ? Number(segment) : NaN;
  return isTimestamp(ts) ? ts : null;
}

/** Longest search text the Delayed page takes (`?q=`): it only ever matches as a substring. */
export const MAX_DELAYED_SEARCH = 200;

/**
 * The Delayed page and GET /api/delayed: totals, one page of timestamps, the scheduler's lock
 * holder; with `q`, also one page of the items among the first DELAYED_SEARCH_WINDOW that contain
 * it (searchDelayed: O(window), not O(schedule)).
 * Cost: countDelayed's one Lua call (O(timestamps) inside Redis) + 2 round trips for the page +
 * the scheduler-health pipeline.
 */
export async function readDelayed(opts: PageOptions, q?: string | null): Promise<DelayedListData> {
  const conn = getConnection();
  const nowMs = Date.now();
  const text = q?.trim().slice(0, MAX_DELAYED_SEARCH) ?? "";
  const [counts, page, health, found] = await Promise.all([
    countDelayed(conn, nowMs / 1000),
    // A search shows its matches instead of the timestamps: the first page of those is enough.
    listDelayedTimestamps(conn, text ? { page: 1, perPage: opts.perPage } : opts),
    getSchedulerHealth(conn, nowMs / 1000),
    text ? searchDelayed(conn, text, opts) : null,
  ]);
  const items = page.items.map((ts) => (ts.first ? { ...ts, first: clipItem(ts.first) } : ts));
  return {
    counts,
    page: { ...page, items },
    leader: health.leader ?? health.nodeLeader,
    nowMs,
    ...(found && {
      search: { q: text, window: DELAYED_SEARCH_WINDOW, items: { ...found, items: found.items.map(clipItem) } },
    }),
  };
}

/**
 * An item cut like every list's: decoded args and raw text at most LIST_CLIP characters. The
 * actions send back the raw text, or the item's `ref` when the text was cut.
 */
function clipItem(item: DelayedItem): DelayedItem {
  const payload = clipPayload(item.payload, LIST_CLIP);
  if (item.raw.length <= LIST_CLIP) return { ...item, payload };
  return { ...item, payload, raw: clipText(item.raw, LIST_CLIP), rawChars: item.raw.length };
}

/** One timestamp's items, a page at a time. Cost: 1 round trip. */
export async function readDelayedItems(timestamp: number, opts: PageOptions): Promise<DelayedItemsData> {
  const page = await listDelayedItems(getConnection(), timestamp, opts);
  return { timestamp, items: { ...page, items: page.items.map(clipItem) }, nowMs: Date.now() };
}
