/**
 * Admin calls for delayed jobs and scheduler health (resque-scheduler's Delayed tab, and more):
 * timestamps come from the `delayed_queue_schedule` ZSET, never from scanning keys; per-item
 * actions act on the stored string inside one Lua script, so php, Ruby and node items all work.
 */
import { execAll, execReading, type Connection } from "../connection";
import { queuedFormOf, toTimestamp } from "../delayed";
import { StaleItemError } from "../errors";
import { decodePayload, type DecodedPayload } from "../payload";
import { sha1Hex } from "../hash";
import { tryParse } from "../raw-json";
import type { RetryNote } from "../retry";
import type { SchedulerRecord } from "../scheduler";
import { compileFilter, formatFailedId, parseFailedId } from "./failed-record";
import { normalizePage } from "./paging";
import type { Page, PageOptions } from "./types";

export interface DelayedTimestamp {
  /** Unix seconds. */
  timestamp: number;
  count: number;
  /** The first item, for a one-line preview. */
  first?: DelayedItem;
}

export interface DelayedItem {
  timestamp: number;
  index: number;
  raw: string;
  /** The item's target queue; absent for items that cannot be queued. */
  queue?: string;
  payload: DecodedPayload;
  /** For a retry made by our workers' retry policy: why the attempt before it failed. */
  retry?: RetryNote;
  /** `<index>-<16 hex of sha1(stored bytes)>`: what the actions match when `raw` was cut for the page. */
  ref?: string;
  /** The stored length in characters, set when `raw` was cut (lib/resque/admin/clip.ts). */
  rawChars?: number;
}

function decodeItem(timestamp: number, index: number, raw: string): DelayedItem {
  const obj = tryParse(raw) as { queue?: unknown } | undefined;
  return {
    timestamp,
    index,
    raw,
    queue: typeof obj?.queue === "string" ? obj.queue : undefined,
    payload: decodePayload(raw),
  };
}

/** Whether an item carries the seed's attempt counter, so a retry note may exist for it. */
function mayBeRetry(item: DelayedItem): boolean {
  const first = item.payload.argsArray[0] as { _attempt?: unknown } | undefined;
  return item.payload.argsArray.length === 1 && typeof first?._attempt === "number";
}

/** Adds the retry notes of the items that may be retries: one MGET, none when no item may be. */
async function withRetryNotes(conn: Connection, items: DelayedItem[]): Promise<void> {
  const retries = items.filter(mayBeRetry);
  if (retries.length === 0) return;
  const notes = await conn.redis.mget(...retries.map((item) => conn.keys.retryNote(sha1Hex(item.raw))));
  retries.forEach((item, i) => {
    const note = notes[i] ? (tryParse(notes[i]!) as RetryNote | undefined) : undefined;
    if (note && typeof note.error === "string") item.retry = note;
  });
}

/**
 * Timestamps with their item counts, earliest first, paginated by rank in the ZSET.
 * Cost: 2 round trips (ZCARD + ZRANGE, then one pipeline of LLEN + LINDEX per timestamp shown),
 * and a third (one MGET) when a first item shown is a retry.
 */
export async function listDelayedTimestamps(conn: Connection, opts: PageOptions = {}): Promise<Page<DelayedTimestamp>> {
  const k = conn.keys;
  const { page, perPage, start, stop } = normalizePage(opts);
  const [total, members] = (await execAll(
    conn.redis.multi().zcard(k.delayedSchedule).zrange(k.delayedSchedule, String(start), String(stop)),
  )) as [number, string[]];
  if (members.length === 0) return { page, perPage, total, items: [] };
  const pipe = conn.redis.pipeline();
  for (const ts of members) pipe.llen(k.delayed(ts)).lindex(k.delayed(ts), 0);
  // A `delayed:<ts>` key of another type reads as an empty timestamp rather than failing the page.
  const res = await execReading(pipe);
  const items = members.map((ts, i) => {
    const first = res[i * 2 + 1] as string | null;
    return {
      timestamp: Number(ts),
      count: (res[i * 2] as number | null) ?? 0,
      first: first === null ? undefined : decodeItem(Number(ts), 0, first),
    };
  });
  await withRetryNotes(
    conn,
    items.flatMap((t) => (t.first ? [t.first] : [])),
  );
  return { page, perPage, total, items };
}

/** Delayed items a search looks through, earliest first: the bound that keeps it cheap on a big schedule. */
export const DELAYED_SEARCH_WINDOW = 5000;
/** Timestamps read per round trip while searching. */
const SEARCH_TIMESTAMPS_PER_TRIP = 200;

/**
 * One page of the delayed items whose stored text contains `text` (case-insensitive, JSON escapes
 * decoded), among the first `window` items in due order. Walks the schedule ZSET by rank and reads
 * each timestamp's list with LRANGE cut to what is left of the window, so the cost is bounded by
 * the window, not by the schedule: O(window), ⌈timestamps read / 200⌉ × 2 round trips.
 */
export async function searchDelayed(
  conn: Connection,
  text: string,
  opts: PageOptions & { window?: number } = {},
): Promise<Page<DelayedItem>> {
  const k = conn.keys;
  const { page, perPage, start, stop } = normalizePage(opts);
  const match = compileFilter({ text });
  let left = opts.window ?? DELAYED_SEARCH_WINDOW;
  const items: DelayedItem[] = [];
  let total = 0;
  for (let rank = 0; left > 0; rank += SEARCH_TIMESTAMPS_PER_TRIP) {
    const members = await conn.redis.zrange(
      k.delayedSchedule,
      String(rank),
      String(rank + SEARCH_TIMESTAMPS_PER_TRIP - 1),
    );
    if (members.length === 0) break;
    const pipe = conn.redis.pipeline();
    for (const ts of members) pipe.lrangeBuffer(k.delayed(ts), 0, left - 1);
    const lists = await execReading(pipe);
    for (let i = 0; i < members.length && left > 0; i++) {
      const stored = ((lists[i] as Buffer[] | null) ?? []).slice(0, left);
      left -= stored.length;
      stored.forEach((bytes, index) => {
        const raw = bytes.toString("utf8");
        if (!match(raw)) return;
        if (total >= start && total <= stop)
          items.push({ ...decodeItem(Number(members[i]), index, raw), ref: formatFailedId(index, sha1Hex(bytes)) });
        total++;
      });
    }
  }
  await withRetryNotes(conn, items);
  return { page, perPage, total, items };
}

/** The items scheduled at one timestamp. Cost: 1 round trip, and one MGET when some are retries. */
export async function listDelayedItems(
  conn: Connection,
  timestamp: number,
  opts: PageOptions = {},
): Promise<Page<DelayedItem>> {
  const ts = toTimestamp(timestamp);
  const key = conn.keys.delayed(ts);
  const { page, perPage, start, stop } = normalizePage(opts);
  const [total, stored] = (await execReading(conn.redis.multi().llen(key).lrangeBuffer(key, start, stop))) as [
    number | null,
    Buffer[] | null,
  ];
  const items = (stored ?? []).map((bytes, i) => ({
    ...decodeItem(ts, start + i, bytes.toString("utf8")),
    ref: formatFailedId(start + i, sha1Hex(bytes)),
  }));
  await withRetryNotes(conn, items);
  return { page, perPage, total: total ?? 0, items };
}

/**
 * Total delayed items and the number already due. One Lua call, O(timestamps) inside Redis
 * (a LLEN per timestamp; about 10 ms per 100,000 timestamps).
 */
export async function countDelayed(
  conn: Connection,
  nowSec = Date.now() / 1000,
): Promise<{ total: number; due: number; timestamps: number }> {
  const k = conn.keys;
  const [total, due, timestamps] = (await conn.redis.eval(
    `local total, due = 0, 0
     local all = redis.call("ZRANGE", KEYS[1], 0, -1, "WITHSCORES")
     for i = 1, #all, 2 do
       -- pcall: a delayed:<ts> key of another type counts as empty instead of failing the count.
       local n = redis.pcall("LLEN", ARGV[1] .. "delayed:" .. all[i])
       if type(n) ~= "number" then n = 0 end
       total = total + n
       if tonumber(all[i + 1]) <= tonumber(ARGV[2]) then due = due + n end
     end
     return {total, due, #all / 2}`,
    1,
    k.delayedSchedule,
    k.ns,
    String(Math.floor(nowSec)),
  )) as [number, number, number];
  return { total, due, timestamps };
}

async function actOnItem(
  conn: Connection,
  mode: "remove" | "now" | "move",
  timestamp: number,
  raw: string,
  extra: { queue?: string; payload?: string; to?: number } = {},
): Promise<void> {
  const k = conn.keys;
  const ts = toTimestamp(timestamp);
  const fourth = mode === "now" ? k.queues : mode === "move" ? k.delayed(extra.to!) : k.queues;
  const arg4 = mode === "now" ? extra.queue! : mode === "move" ? String(extra.to) : "";
  const done = await conn.run<number>(
    "delayed-item",
    [k.delayed(ts), k.delayedSchedule, k.timestamps(raw), fourth],
    [mode, ts, raw, arg4, extra.payload ?? "", k.ns],
  );
  if (done !== 1) throw new StaleItemError("The delayed item");
}

/**
 * The stored text of the item a `ref` from listDelayedItems names, for the actions when the page
 * only holds a cut copy; null when that entry moved, changed, or is not UTF-8 (the item scripts
 * match by text). O(1), 1 round trip.
 */
export async function delayedItemByRef(conn: Connection, timestamp: number, ref: string): Promise<string | null> {
  const r = parseFailedId(ref);
  const bytes = r && (await conn.redis.lindexBuffer(conn.keys.delayed(toTimestamp(timestamp)), r.index));
  if (!r || !bytes || !sha1Hex(bytes).startsWith(r.digest)) return null;
  const raw = bytes.toString("utf8");
  return Buffer.from(raw, "utf8").equals(bytes) ? raw : null;
}

/** Deletes one delayed item. Throws StaleItemError when it is no longer scheduled there. */
export function removeDelayedItem(conn: Connection, timestamp: number, raw: string): Promise<void> {
  return actOnItem(conn, "remove", timestamp, raw);
}

/** Enqueues one delayed item now (with a fresh php `id` and `queue_time`), removing it from the schedule. */
export async function enqueueDelayedItemNow(
  conn: Connection,
  timestamp: number,
  raw: string,
): Promise<{ queue: string }> {
  const form = queuedFormOf(raw);
  if ("error" in form) throw new StaleItemError(`The delayed item cannot be queued (${form.error}); it`);
  await actOnItem(conn, "now", timestamp, raw, { queue: form.queue, payload: form.payload });
  if (conn.waitsForReplicas) await conn.requireReplicas(`the delayed job enqueued on queue ${form.queue}`);
  return { queue: form.queue };
}

/** Moves one delayed item, byte for byte, to another time. */
export function rescheduleDelayedItem(
  conn: Connection,
  timestamp: number,
  raw: string,
  to: Date | number,
): Promise<void> {
  return actOnItem(conn, "move", timestamp, raw, { to: toTimestamp(to) });
}

/**
 * Deletes every delayed item, its reverse-index set and the schedule, in chunks of 100
 * timestamps (RS's "Clear Delayed Jobs", without holding Redis for the whole set). Confirm first.
 */
export async function clearDelayed(conn: Connection): Promise<number> {
  const k = conn.keys;
  let removed = 0;
  for (;;) {
    const members = await conn.redis.zrange(k.delayedSchedule, "0", "99");
    if (members.length === 0) return removed;
    const lists = await execAll(members.reduce((p, ts) => p.lrange(k.delayed(ts), 0, -1), conn.redis.pipeline()));
    const pipe = conn.redis.multi();
    members.forEach((ts, i) => {
      const items = lists[i] as string[];
      removed += items.length;
      for (const raw of new Set(items)) pipe.srem(k.timestamps(raw), "delayed:" + ts);
      pipe.del(k.delayed(ts)).zrem(k.delayedSchedule, ts);
    });
    await execAll(pipe);
  }
}

export interface SchedulerHealth {
  /** Holder of our (and resque-scheduler's) master lock, and its remaining lifetime. */
  leader: string | null;
  leaderTtlMs: number | null;
  /** node-resque's leader lock holder, when one runs on this namespace. */
  nodeLeader: string | null;
  schedulers: SchedulerRecord[];
  /** Items whose time has passed but which are still in the delayed queue. */
  overdue: number;
  /** The earliest overdue timestamp (unix seconds), if any. */
  oldestOverdue: number | null;
}

/** The dashboard's scheduler card. Cost: 1 round trip plus one LLEN per overdue timestamp (≤ 100 read). */
export async function getSchedulerHealth(conn: Connection, nowSec = Date.now() / 1000): Promise<SchedulerHealth> {
  const k = conn.keys;
  const due = String(Math.floor(nowSec));
  const [leader, ttl, nodeLeader, records, overdueTs] = (await execAll(
    conn.redis
      .pipeline()
      .get(k.schedulerMasterLock)
      .pttl(k.schedulerMasterLock)
      .get(k.nodeSchedulerLeaderLock)
      .hgetall(k.schedulers)
      .zrangebyscore(k.delayedSchedule, "-inf", due, "LIMIT", 0, 100),
  )) as [string | null, number, string | null, Record<string, string>, string[]];
  let overdue = 0;
  if (overdueTs.length)
    overdue = (
      (await execAll(overdueTs.reduce((p, ts) => p.llen(k.delayed(ts)), conn.redis.pipeline()))) as number[]
    ).reduce((a, b) => a + b, 0);
  const schedulers = Object.values(records)
    .map((v) => tryParse(v) as SchedulerRecord | undefined)
    .filter((r): r is SchedulerRecord => !!r && typeof r === "object");
  return {
    leader,
    leaderTtlMs: ttl >= 0 ? ttl : null,
    nodeLeader,
    schedulers,
    overdue,
    oldestOverdue: overdueTs.length ? Number(overdueTs[0]) : null,
  };
}
