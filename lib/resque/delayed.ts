/**
 * Delayed jobs in resque-scheduler's layout (docs/resque-protocol.md#delayed-jobs): `delayed_queue_schedule`
 * (ZSET of whole-second timestamps), `delayed:<ts>` (LIST of items) and `timestamps:<raw item>`
 * (reverse index). Items are `{"class","args","queue"}` in RS's key order, so RS's exact-match
 * helpers find ours; php-resque-scheduler's items (no reverse index) and node-resque's
 * (`{"class","queue","args"}`) are handled by their stored bytes.
 */
import os from "node:os";
import type { Connection } from "./connection";
import { buildFailureRecord } from "./failure";
import { newJobId } from "./payload";
import { rawField, tryParse } from "./raw-json";

/** Encodes a delayed item; `argsArray` is the whole args array (php style: `[obj]`). */
export function encodeDelayedItem(className: string, argsArray: unknown[], queue: string): string {
  return (
    '{"class":' +
    JSON.stringify(className) +
    ',"args":' +
    JSON.stringify(argsArray) +
    ',"queue":' +
    JSON.stringify(queue) +
    "}"
  );
}

/** Epoch seconds (fractional) of a Date or a number of epoch seconds. */
export function toEpochSeconds(at: Date | number): number {
  const sec = at instanceof Date ? at.getTime() / 1000 : at;
  if (!Number.isFinite(sec)) throw new RangeError(`not a time: ${String(at)}`);
  return sec;
}

/** Whole seconds, as RS (`to_i`) and php write them: for addressing stored timestamps. */
export function toTimestamp(at: Date | number): number {
  return Math.floor(toEpochSeconds(at));
}

/**
 * The timestamp to schedule a job due at `at`: rounded up, so a job never runs before the time
 * asked for (RS truncates, which runs `enqueue_in(2)` after as little as 1 s). Still whole
 * seconds, the layout every reader expects.
 */
export function dueTimestamp(at: Date | number): number {
  return Math.ceil(toEpochSeconds(at));
}

/** What moving one stored item to its queue means: the queue and the payload bytes, or why not. */
export type QueuedForm = { queue: string; payload: string } | { error: string };

/**
 * The queue payload for a delayed item: its exact `class` and `args` bytes, plus a fresh php `id`
 * and `queue_time` (assigned when the item is moved, as the protocol rule says). An item without a
 * usable queue or class cannot be queued — never `queue:undefined`.
 */
export function queuedFormOf(itemRaw: string, nowSec = Date.now() / 1000): QueuedForm {
  const obj = tryParse(itemRaw);
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    return { error: "delayed item is not a JSON object" };
  const { queue, class: cls } = obj as { queue?: unknown; class?: unknown };
  if (typeof queue !== "string" || queue === "") return { error: "delayed item has no queue" };
  if (typeof cls !== "string" || cls === "") return { error: "delayed item has no class" };
  const argsRaw = rawField(itemRaw, "args");
  const args = argsRaw === undefined ? "[]" : Array.isArray(tryParse(argsRaw)) ? argsRaw : "[" + argsRaw + "]";
  const qt = nowSec.toFixed(6).replace(/\.?0+$/, "");
  return {
    queue,
    payload:
      '{"class":' +
      rawField(itemRaw, "class")! +
      ',"args":' +
      args +
      ',"id":"' +
      newJobId() +
      '","queue_time":' +
      qt +
      "}",
  };
}

/** A delayed item that cannot be queued becomes a failure record that keeps its bytes. */
function unqueueableRecord(itemRaw: string, error: string, worker: string): string {
  return buildFailureRecord({
    payloadRaw: itemRaw,
    exception: "InvalidPayload",
    error,
    backtrace: [],
    worker,
    queue: "",
    failedAt: new Date(),
  });
}

/** Identifies the mover in failure records of unqueueable items. */
export const schedulerName = () => `${os.hostname()}:${process.pid}:scheduler`;

/**
 * Moves every item due at `nowSec` to its queue, in batches of `batchSize` per Lua call.
 * Returns the number of items moved (unqueueable ones become failure records and count too).
 * Cost: per batch one LRANGE and one script call, plus one ZRANGEBYSCORE per timestamp.
 */
export async function promoteDueItems(
  conn: Connection,
  opts: { nowSec?: number; batchSize?: number; limit?: number } = {},
): Promise<number> {
  const k = conn.keys;
  const batch = opts.batchSize ?? 100;
  const limit = opts.limit ?? Infinity;
  let moved = 0;
  const who = schedulerName();
  while (moved < limit) {
    const nowSec = opts.nowSec ?? Date.now() / 1000;
    const [ts] = await conn.redis.zrangebyscore(k.delayedSchedule, "-inf", String(Math.floor(nowSec)), "LIMIT", 0, 1);
    if (ts === undefined) break;
    const items = await conn.redis.lrange(k.delayed(ts), 0, batch - 1);
    if (items.length === 0) {
      // An empty timestamp left behind (RS's remove_delayed does this): drop it if still empty.
      await conn.redis.eval(
        "if redis.call('LLEN', KEYS[1]) == 0 then return redis.call('ZREM', KEYS[2], ARGV[1]) end return 0",
        2,
        k.delayed(ts),
        k.delayedSchedule,
        ts,
      );
      continue;
    }
    const args: string[] = [k.ns, ts, String(items.length)];
    for (const raw of items) {
      const form = queuedFormOf(raw, nowSec);
      if ("error" in form) args.push(raw, "", unqueueableRecord(raw, form.error, who));
      else args.push(raw, form.queue, form.payload);
    }
    const n = await conn.run<number>(
      "delayed-promote",
      [k.delayed(ts), k.delayedSchedule, k.queues, k.failed, k.statFailed],
      args,
    );
    if (n > 0) moved += n;
  }
  return moved;
}

/** Seconds until the earliest scheduled timestamp (negative when overdue), or null when none. */
export async function secondsUntilNextDelayed(conn: Connection, nowSec = Date.now() / 1000): Promise<number | null> {
  const first = await conn.redis.zrange(conn.keys.delayedSchedule, "0", "0", "WITHSCORES");
  return first.length ? Number(first[1]) - nowSec : null;
}
