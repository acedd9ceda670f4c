/**
 * Retrying and removing failure records (docs/resque-protocol.md#retrying-and-removing-failures). Every change goes
 * through `failed-act.lua`, which re-checks each record's sha1 at its index in the same atomic
 * step, so a record that moved or changed is never removed or requeued by mistake (the bug in
 * resque/resque#1172 and in node-resque's LREM of a re-encoded record).
 */
import { randomUUID } from "node:crypto";
import { execAll, type Connection } from "../connection";
import { formatFailedAt } from "../dates";
import { appendRawField, rawField, replaceRawField } from "../raw-json";
import {
  compileFilter,
  formatFailedId,
  grepNeedles,
  isEmptyFilter,
  parseFailedId,
  requeueTarget,
  sha1Hex,
  type GrepGroup,
} from "./failed-record";
import { failedListKey, locateRecords, scanRecords, type StoredRecord } from "./failed-read";
import { chunk } from "./paging";
import type { FailedFilter, RemoveResult, RetryResult, SkippedId } from "./types";

/** Items per Lua call: keeps ARGV bounded and the server responsive. */
const ITEMS_PER_CALL = 500;

type Mode = "remove" | "retry" | "retry-keep";

interface Planned {
  id: string;
  rec: StoredRecord;
  sha1: string;
  queue: string;
  payload: string;
  replacement: string;
}

const GONE = "the record changed or was removed since the list was loaded; reload and try again";

/** What the script needs for one record, or why it cannot be done. */
function plan(id: string, rec: StoredRecord, mode: Mode, now: Date): Planned | SkippedId {
  const sha1 = sha1Hex(rec.bytes);
  if (mode === "remove") return { id, rec, sha1, queue: "", payload: "", replacement: "" };
  // A record that is not valid UTF-8 cannot be moved as a JS string without changing its bytes.
  if (Buffer.byteLength(rec.raw, "utf8") !== rec.bytes.length || !Buffer.from(rec.raw, "utf8").equals(rec.bytes)) {
    return { id, code: "not_utf8", reason: "the record is not valid UTF-8; it can only be removed" };
  }
  const target = requeueTarget(rec.raw, now.getTime() / 1000);
  if ("reason" in target) return { id, code: "not_requeueable", reason: target.reason };
  let replacement = "";
  if (mode === "retry-keep") {
    // Ruby's requeue assigns `retried_at`, which keeps an existing key in place or appends it.
    const stamp = JSON.stringify(formatFailedAt(now));
    replacement =
      rawField(rec.raw, "retried_at") !== undefined
        ? replaceRawField(rec.raw, "retried_at", stamp)
        : appendRawField(rec.raw, "retried_at", stamp);
  }
  return { id, rec, sha1, queue: target.queue, payload: target.payload, replacement };
}

/** Runs the script over planned items; returns those done and those it could not verify at their index. */
async function runPlanned(
  conn: Connection,
  key: string,
  items: Planned[],
  mode: Mode,
): Promise<{ done: Planned[]; moved: Planned[] }> {
  const k = conn.keys;
  const done: Planned[] = [];
  const moved: Planned[] = [];
  // Calls go from the highest indexes down so one call's removals never shift the next call's
  // records; inside a call removal is deferred, so items go oldest first and requeued jobs keep
  // the order in which they failed.
  const sorted = [...items].sort((a, b) => b.rec.index - a.rec.index);
  for (const part of chunk(sorted, ITEMS_PER_CALL).map((c) => c.reverse())) {
    const keys = [key, k.queues];
    const args: string[] = [mode, `__tsq_del__:${randomUUID()}`];
    for (const p of part) {
      if (mode !== "remove") keys.push(k.queue(p.queue), k.wake(p.queue));
      args.push(String(p.rec.index), p.sha1, p.queue, p.payload, p.replacement);
    }
    const status = await conn.run<number[]>("failed-act", keys, args);
    part.forEach((p, i) => (status[i] === 1 ? done : moved).push(p));
  }
  return { done, moved };
}

/**
 * Acts on ids from the UI: verifies each at its index (one pipelined LINDEX), follows records
 * whose index shifted by digest (bounded scan), and applies the script; records that move again
 * between our read and the script are located once more (up to 3 passes).
 * O(ids) with 2 round trips when nothing moved.
 */
async function actOnIds(
  conn: Connection,
  ids: string[],
  mode: Mode,
  opts: { list?: string },
): Promise<{ done: number; skipped: SkippedId[] }> {
  const key = failedListKey(conn, opts.list);
  const skipped: SkippedId[] = [];
  const wanted: { id: string; index: number; digest: string }[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const p = parseFailedId(id);
    if (p) wanted.push({ id, ...p });
    else skipped.push({ id, code: "bad_id", reason: "not a failed-job id" });
  }
  const now = new Date();
  let done = 0;
  let pending = wanted;
  let trustIndex = true;
  for (let pass = 0; pass < 3 && pending.length > 0; pass++) {
    const found: (StoredRecord | undefined)[] = new Array(pending.length);
    const lost: number[] = [];
    if (trustIndex) {
      const pipe = conn.redis.pipeline();
      for (const w of pending) pipe.lindexBuffer(key, w.index);
      const res = (await execAll(pipe)) as (Buffer | null)[];
      res.forEach((bytes, i) => {
        const w = pending[i]!;
        if (bytes && sha1Hex(bytes).startsWith(w.digest))
          found[i] = { index: w.index, bytes, raw: bytes.toString("utf8") };
        else lost.push(i);
      });
    } else pending.forEach((_, i) => lost.push(i));
    if (lost.length) {
      const claimed = new Set(found.filter((r): r is StoredRecord => !!r).map((r) => r.index));
      const relocated = await locateRecords(
        conn,
        key,
        lost.map((i) => pending[i]!),
        { claimed },
      );
      lost.forEach((i, j) => (found[i] = relocated[j]));
    }
    const planned: Planned[] = [];
    pending.forEach((w, i) => {
      const rec = found[i];
      if (!rec) return void skipped.push({ id: w.id, code: "stale", reason: GONE });
      const p = plan(w.id, rec, mode, now);
      if ("code" in p) skipped.push(p);
      else planned.push(p);
    });
    const r = await runPlanned(conn, key, planned, mode);
    done += r.done.length;
    const movedIds = new Set(r.moved.map((p) => p.id));
    pending = pending.filter((w) => movedIds.has(w.id));
    trustIndex = false;
  }
  for (const w of pending) skipped.push({ id: w.id, code: "stale", reason: GONE });
  return { done, skipped };
}

/**
 * Retries failures by id: pushes each record's exact payload bytes back onto its queue (php's
 * `id` and escaping kept, `queue_time` refreshed only when present) and, by default, removes
 * the record. `remove: false` keeps it with `retried_at` set, like Ruby's resque-web.
 * Records that changed since they were read, or whose payload is not a JSON object, are skipped
 * with a reason.
 */
export async function retryFailed(
  conn: Connection,
  ids: string[],
  opts: { remove?: boolean; list?: string } = {},
): Promise<RetryResult> {
  const r = await actOnIds(conn, ids, opts.remove === false ? "retry-keep" : "retry", opts);
  await confirmRetried(conn, r.done);
  return { retried: r.done, skipped: r.skipped };
}

/**
 * The durability option: one WAIT after all of a retry's writes. A shortfall throws after the
 * jobs were queued (they may run): the caller is told they are not confirmed, never that they failed.
 */
async function confirmRetried(conn: Connection, retried: number): Promise<void> {
  if (retried > 0 && conn.waitsForReplicas) await conn.requireReplicas(`${retried} retried job(s)`);
}

/** Removes failures by id, each verified against the bytes it had when listed. */
export async function removeFailed(
  conn: Connection,
  ids: string[],
  opts: { list?: string } = {},
): Promise<RemoveResult> {
  const r = await actOnIds(conn, ids, "remove", opts);
  return { removed: r.done, skipped: r.skipped };
}

/**
 * Scans the list from the tail and applies `mode` chunk by chunk. Working downwards means
 * removals never shift the records still to be visited, and memory stays at one chunk.
 * O(list length), about 2 round trips per 1000 records.
 */
async function actOnMatches(
  conn: Connection,
  mode: Mode,
  match: (raw: string) => boolean,
  opts: { list?: string },
  grep: GrepGroup[] | null = null,
): Promise<{ done: number; skipped: SkippedId[] }> {
  const key = failedListKey(conn, opts.list);
  const now = new Date();
  const skipped: SkippedId[] = [];
  const handled = new Set<string>(); // keep mode: records we rewrote, should a shift show them again
  let done = 0;
  await scanRecords(
    conn,
    key,
    async (recs) => {
      const planned: Planned[] = [];
      for (const rec of recs) {
        if (!match(rec.raw)) continue;
        const sha1 = sha1Hex(rec.bytes);
        if (handled.has(sha1)) continue;
        const p = plan(formatFailedId(rec.index, sha1), rec, mode, now);
        if ("code" in p) skipped.push(p);
        else planned.push(p);
      }
      const r = await runPlanned(conn, key, planned, mode);
      done += r.done.length;
      if (mode === "retry-keep") for (const p of r.done) handled.add(sha1Hex(p.replacement));
      if (r.moved.length) {
        // Someone else changed the list under us: hand the stragglers to the id path.
        const again = await actOnIds(
          conn,
          r.moved.map((p) => p.id),
          mode,
          opts,
        );
        done += again.done;
        skipped.push(...again.skipped);
      }
    },
    { grep },
  );
  return { done, skipped };
}

/** Retries every failure matching `filter` (all of them when empty); same semantics as `retryFailed`. */
export async function retryAllFailed(
  conn: Connection,
  filter?: FailedFilter,
  opts: { remove?: boolean; list?: string } = {},
): Promise<RetryResult> {
  const r = await actOnMatches(
    conn,
    opts.remove === false ? "retry-keep" : "retry",
    compileFilter(filter),
    opts,
    grepNeedles(filter),
  );
  await confirmRetried(conn, r.done);
  return { retried: r.done, skipped: r.skipped };
}

/** Removes every failure matching `filter`; an empty filter clears the list. */
export async function removeAllFailed(
  conn: Connection,
  filter?: FailedFilter,
  opts: { list?: string } = {},
): Promise<RemoveResult> {
  if (isEmptyFilter(filter)) return { removed: await clearFailed(conn, opts), skipped: [] };
  const r = await actOnMatches(conn, "remove", compileFilter(filter), opts, grepNeedles(filter));
  return { removed: r.done, skipped: r.skipped };
}

/** Deletes the whole list (Ruby's `Resque::Failure.clear`); returns how many records it held. O(1), 1 round trip. */
export async function clearFailed(conn: Connection, opts: { list?: string } = {}): Promise<number> {
  const key = failedListKey(conn, opts.list);
  const [len] = (await execAll(conn.redis.multi().llen(key).del(key))) as [number, number];
  return len;
}

/** resque-web's "Clear Retried Jobs": removes every record that has a `retried_at` field. */
export async function clearRetriedFailed(conn: Connection, opts: { list?: string } = {}): Promise<RemoveResult> {
  const r = await actOnMatches(
    conn,
    "remove",
    (raw) => raw.includes('"retried_at"') && rawField(raw, "retried_at") !== undefined,
    opts,
  );
  return { removed: r.done, skipped: r.skipped };
}
