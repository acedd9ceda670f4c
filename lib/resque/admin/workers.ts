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
import type { Liveness, WorkerInfo } from "./types";

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
  const k = conn.keys;
  const ids = (await conn.redis.smembers(k.workers)).sort();
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
