/**
 * Worker views (docs/resque-protocol.md#workers): every registered id, what it is running, its counters
 * and whether it still looks alive — read liberally from Ruby, php and node-resque keys.
 */
import { execReading, type Connection } from "../connection";
import { parseResqueDate, type ParsedDate } from "../dates";
import { payloadFromWorkerEntry } from "../failure";
import { parseWorkerId, workerName } from "../keys";
import { HEARTBEAT_DEAD_AFTER_SEC, unregisterWorker, type UnregisterResult } from "../lifecycle";
import { decodePayload } from "../payload";
import { tryParse } from "../raw-json";
import { decodeFailedRecord, grepNeedles, sha1Hex } from "./failed-record";
import { failedListKey, scanRecords } from "./failed-read";
import type { FailedJob, Liveness, WorkerInfo } from "./types";

/**
 * Alive when the newest signal is at most 300 s old by the Redis clock (Ruby's prune
 * threshold), dead when older; a signal from the future (clock skew) counts as alive.
 */
export function livenessOf(signal: ParsedDate | undefined, nowMs: number): Liveness {
  if (!signal || signal.ms === null) return "unknown";
  return nowMs - signal.ms <= HEARTBEAT_DEAD_AFTER_SEC * 1000 ? "alive" : "dead";
}

function pingDate(raw: string | null | undefined): ParsedDate | undefined {
  if (!raw) return undefined;
  const obj = tryParse(raw) as { time?: unknown } | undefined;
  const t = obj && typeof obj === "object" ? obj.time : undefined;
  if (typeof t !== "number" && typeof t !== "string") return undefined;
  const d = parseResqueDate(String(t));
  return d.ms === null ? undefined : d;
}

const num = (v: unknown): number | null => (v == null ? null : Number.isFinite(Number(v)) ? Number(v) : null);

const PER_WORKER = 8;

/**
 * Every id in `workers`, sorted. Ids with one or two parts (node-resque custom names) are
 * shown, never fatal (Ruby crashes on them). Per-worker counters are read under the full id
 * (Ruby, php, us) and fall back to the `host:pid` name (node-resque).
 * O(workers) redis calls, 2 round trips.
 */
export async function listWorkers(conn: Connection): Promise<WorkerInfo[]> {
  const ids = (await conn.redis.smembers(conn.keys.workers)).sort();
  return readWorkerInfos(conn, ids);
}

/**
 * One registered worker by its full id, as listWorkers reads it; null when the id is not in
 * `workers` (pruned, or never registered). The id is matched whole, never parsed for the lookup,
 * so any form a client registers (`host:pid:queues`, a slot suffix, a custom name) is found.
 * 2 round trips, whatever the number of workers.
 */
export async function getWorker(conn: Connection, id: string): Promise<WorkerInfo | null> {
  if (!(await conn.redis.sismember(conn.keys.workers, id))) return null;
  return (await readWorkerInfos(conn, [id]))[0] ?? null;
}

async function readWorkerInfos(conn: Connection, ids: string[]): Promise<WorkerInfo[]> {
  const k = conn.keys;
  const pipe = conn.redis.pipeline().time();
  for (const id of ids) {
    const name = workerName(id);
    pipe
      .get(k.worker(id))
      .get(k.workerStarted(id))
      .hget(k.heartbeat, id)
      .get(k.workerPing(name))
      .get(k.statProcessedOf(id))
      .get(k.statFailedOf(id))
      .get(k.statProcessedOf(name))
      .get(k.statFailedOf(name));
  }
  // Loose: a worker key of another Redis type (someone's HSET) reads as absent, not as a failed page.
  const res = await execReading(pipe);
  const [sec, usec] = res[0] as [string, string];
  const nowMs = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  return ids.map((id, i) => {
    const [entry, started, beat, ping, procId, failId, procName, failName] = res.slice(
      1 + i * PER_WORKER,
      1 + (i + 1) * PER_WORKER,
    ) as (string | null)[];
    const { host, pid, queues, slot } = parseWorkerId(id);
    const info: WorkerInfo = {
      id,
      host,
      pid,
      slot,
      queues,
      started: parseResqueDate(started),
      liveness: "unknown",
      processed: num(procId) ?? num(procName) ?? 0,
      failed: num(failId) ?? num(failName) ?? 0,
    };
    if (entry) {
      const e = payloadFromWorkerEntry(entry);
      info.job = {
        queue: e?.queue ?? "",
        runAt: parseResqueDate(e?.runAt),
        payload: decodePayload(e ? e.payloadRaw : entry),
      };
    }
    const hb = beat ? parseResqueDate(beat) : undefined;
    const pd = pingDate(ping);
    if (hb && hb.ms !== null) {
      info.heartbeat = hb;
      info.liveness = livenessOf(hb, nowMs);
      info.livenessSource = "heartbeat";
    } else if (pd) {
      info.heartbeat = pd;
      info.liveness = livenessOf(pd, nowMs);
      info.livenessSource = "ping";
    }
    return info;
  });
}

/** How many of the newest failure records a worker's page looks through for its own. */
export const WORKER_FAILURES_WINDOW = 2000;

/**
 * A worker's most recent failures, newest first: the records among the newest `window` of the
 * `failed` list whose `worker` is this id (Ruby, php, us) or its `host:pid` name (node-resque
 * writes that). Bounded on purpose: a worker page must stay cheap on a list of millions, so older
 * failures are found on the Failed page's search instead. Redis drops records without the id's
 * text first (failed-grep, in chunks); only the rest are decoded. O(window), ≤ 1 round trip per
 * 4,000 records plus one LLEN.
 */
export async function listWorkerFailures(
  conn: Connection,
  id: string,
  opts: { limit?: number; window?: number } = {},
): Promise<{ items: FailedJob[]; window: number }> {
  const limit = opts.limit ?? 10;
  const window = opts.window ?? WORKER_FAILURES_WINDOW;
  const key = failedListKey(conn);
  const names = new Set([id, workerName(id)]);
  const len = await conn.redis.llen(key);
  const from = Math.max(0, len - window);
  const items: FailedJob[] = [];
  await scanRecords(
    conn,
    key,
    (chunk) => {
      for (const rec of chunk) {
        const job = decodeFailedRecord(rec.raw, rec.index, sha1Hex(rec.bytes));
        if (names.has(job.worker)) items.push(job);
        if (items.length >= limit) return false;
      }
    },
    // The name is in every record of this worker, so it is a safe first pass (null: scan all).
    { from, to: len - 1, grep: grepNeedles({ text: workerName(id) }) },
  );
  return { items, window };
}

/** Workers currently running a job, longest-running first (resque-web's Working page). */
export async function listWorking(conn: Connection): Promise<WorkerInfo[]> {
  const all = await listWorkers(conn);
  const at = (w: WorkerInfo) => w.job?.runAt.ms ?? Number.POSITIVE_INFINITY;
  return all.filter((w) => w.job).sort((a, b) => at(a) - at(b) || a.id.localeCompare(b.id));
}

/**
 * Manual removal of a worker (the dashboard never prunes on its own:
 * docs/resque-protocol.md#dead-worker-pruning): Ruby's unregister sequence, turning an in-flight job
 * into a `Resque::DirtyExit` failure record that keeps the exact payload bytes. `id` as a Buffer
 * names a worker whose id is not UTF-8 by its stored bytes.
 */
export async function pruneWorker(conn: Connection, id: string | Buffer): Promise<UnregisterResult> {
  return unregisterWorker(conn, id);
}
