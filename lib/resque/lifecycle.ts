/**
 * Worker registration, heartbeats, unregistering with the in-flight job settled, and the
 * dead-worker prune (docs/resque-protocol.md#heartbeats-and-pings,
 * docs/resque-protocol.md#registering-and-unregistering, docs/resque-protocol.md#dead-worker-pruning).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Connection } from "./connection";
import { formatIsoSeconds, parseResqueDate } from "./dates";
import { DirtyExitError, PruneDeadWorkerDirtyExitError, type ResqueError } from "./errors";
import type { JobRegistry } from "./job";
import { parseWorkerId, workerName } from "./keys";
import { buildFailureRecord } from "./failure";
import { sha1Hex } from "./hash";
import { decodePayload } from "./payload";
import { tryParse } from "./raw-json";
import { textOfBytes, workerEntryOfBytes } from "./stored-bytes";

/** Ruby's prune threshold: a heartbeat older than 5 × 60 s means the worker is dead. */
export const HEARTBEAT_DEAD_AFTER_SEC = 300;
export const HEARTBEAT_INTERVAL_SEC = 60;

export async function registerWorker(conn: Connection, id: string): Promise<void> {
  const k = conn.keys;
  await conn.redis
    .multi()
    .sadd(k.workers, id)
    .set(k.workerStarted(id), formatIsoSeconds())
    .hdel(k.heartbeat, id)
    .exec();
}

/** Stamps the heartbeat of each id with Redis's clock; returns ids that had to be re-registered. */
export async function beat(conn: Connection, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const k = conn.keys;
  const out = await conn.run<string[]>("heartbeat", [k.workers, k.heartbeat], [k.ns, ...ids]);
  return out.slice(1);
}

export type SettleMode = "fail" | "requeue";

export interface UnregisterResult {
  /** What happened to the in-flight job. */
  job: "none" | "failed" | "requeued" | "changed";
  className?: string;
}

/**
 * Unregisters a worker the way Ruby does, settling its in-flight job first: a class that
 * declares `rerunOnDirtyExit` goes back to the head of its queue, anything else becomes a
 * dirty-exit failure record that keeps the raw payload. Atomic (one Lua call) and verified
 * against the record read, so concurrent pruners settle a job once.
 */
export async function unregisterWorker(
  conn: Connection,
  id: string | Buffer,
  opts: { registry?: JobRegistry; error?: ResqueError; preferRequeue?: boolean; keepPing?: boolean } = {},
): Promise<UnregisterResult> {
  const k = conn.keys;
  // An id read from `workers` as bytes (it may not be UTF-8) builds its keys as bytes too.
  const idText = typeof id === "string" ? id : textOfBytes(id).text;
  const key = (prefix: string, suffix = "") =>
    typeof id === "string" ? prefix + id + suffix : Buffer.concat([Buffer.from(prefix), id, Buffer.from(suffix)]);
  const workerKey = key(k.worker(""));
  for (let attempt = 0; attempt < 5; attempt++) {
    // Read as bytes and compared by their SHA-1 in the script: a record that is not UTF-8 would
    // never match a decoded copy, and the settle would be skipped forever.
    const current = await conn.redis.getBuffer(workerKey).catch((e: Error) => {
      // A record of another Redis type holds no job: the script deletes it with the worker.
      if (e.message.startsWith("WRONGTYPE")) return null;
      throw e;
    });
    let mode: "fail" | "requeue" | "none" = "none";
    let arg: string | Buffer = "";
    let queue = "";
    let className: string | undefined;
    if (current) {
      const entry = workerEntryOfBytes(current);
      const payloadBytes = entry?.payload ?? current;
      const text = textOfBytes(payloadBytes);
      queue = entry?.queue ?? "";
      const decoded = decodePayload(text.text);
      className = text.exact ? decoded.className : undefined;
      const cls = className ? opts.registry?.get(className) : undefined;
      if ((cls?.rerunOnDirtyExit || opts.preferRequeue) && queue && decoded.ok && text.exact) {
        mode = "requeue";
        arg = payloadBytes;
      } else {
        mode = "fail";
        const err =
          opts.error ??
          new DirtyExitError(
            `Worker ${idText} did not gracefully exit while processing ${className ?? "an unparseable payload"}`,
          );
        arg = buildFailureRecord({
          payloadRaw: text.text,
          exception: err.name,
          error: text.exact ? err.message : `${err.message}; the payload is ${text.problem} and is kept escaped`,
          backtrace: [],
          worker: idText,
          queue,
        });
      }
    }
    const [settled] = await conn.run<[number, number]>(
      "unregister-worker",
      [
        k.workers,
        workerKey,
        key(k.worker(""), ":started"),
        k.heartbeat,
        key(k.statProcessedOf("")),
        key(k.statFailedOf("")),
        k.failed,
        k.statFailed,
        k.queue(queue || "_"),
        k.queues,
        k.workerPing(workerName(idText)),
      ],
      [id, current ? sha1Hex(current) : "", mode, arg, queue, opts.keepPing ? "keep" : ""],
    );
    if (settled === -1) continue; // the record changed between GET and the script: read again
    return { job: settled === 1 ? (mode === "fail" ? "failed" : "requeued") : "none", className };
  }
  return { job: "changed" };
}

/**
 * What this host says about a worker's pid: `gone` (no such process), `resque` (a live process
 * whose command line names resque — php's and Ruby's test), or `other` (alive, but some other
 * program: a reused pid, or a worker that does not title itself, such as node-resque's).
 */
export function localProcessState(pid: number): "gone" | "resque" | "other" {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return "gone";
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("resque") ? "resque" : "other";
  } catch {
    // No /proc (macOS): a live pid is the best evidence available.
    return "resque";
  }
}

export interface PruneReport {
  pruned: { id: string; reason: "heartbeat" | "same-host"; job: UnregisterResult["job"] }[];
}

/**
 * Ruby's start-up prune, guarded by its `pruning_dead_workers_in_progress` lock: workers whose
 * heartbeat is older than 300 s (any host), and workers on this host whose pid is gone or is no
 * longer a resque process. Their in-flight jobs are settled by `unregisterWorker`.
 */
export async function pruneDeadWorkers(
  conn: Connection,
  opts: { selfId: string; registry?: JobRegistry; hostname?: string; excludeIds?: Set<string> },
): Promise<PruneReport> {
  const k = conn.keys;
  const report: PruneReport = { pruned: [] };
  const locked = await conn.redis.set(k.pruningLock, opts.selfId, "EX", 60, "NX");
  if (locked !== "OK") return report;
  try {
    const host = opts.hostname ?? os.hostname();
    const [[, idBytes], [, beats], [, time]] = (await conn.redis
      .multi()
      .smembersBuffer(k.workers)
      .hgetall(k.heartbeat)
      .time()
      .exec()) as [[unknown, Buffer[]], [unknown, Record<string, string>], [unknown, [string, string]]];
    // Ids are read as bytes: one that is not UTF-8 (anyone can SADD to `workers`) is known by its
    // escape here and unregistered by its bytes, so its SREM and DELs hit the stored names.
    const bytesOf = new Map<string, Buffer>();
    const ids = idBytes.map((b) => {
      const t = textOfBytes(b);
      if (!t.exact) bytesOf.set(t.text, b);
      return t.text;
    });
    const nowMs = Number(time[0]) * 1000;
    const fresh = (ms: number | null) => ms !== null && nowMs - ms <= HEARTBEAT_DEAD_AFTER_SEC * 1000;
    const candidates = new Map<string, "heartbeat" | "same-host">();
    for (const [id, value] of Object.entries(beats)) {
      const ms = parseResqueDate(value).ms;
      if (ms !== null && !fresh(ms)) candidates.set(id, "heartbeat");
    }
    const local = ids.filter((id) => {
      if (id === opts.selfId || opts.excludeIds?.has(id) || candidates.has(id)) return false;
      const p = parseWorkerId(id);
      return p.host === host && Number.isInteger(Number(p.pid)) && Number(p.pid) > 0;
    });
    // node-resque workers keep a ping instead of a heartbeat and do not title their process.
    const pings = local.length ? await conn.redis.mget(...local.map((id) => k.workerPing(workerName(id)))) : [];
    // Every slot of a process carries its pid: look each pid up once.
    const states = new Map<number, ReturnType<typeof localProcessState>>();
    local.forEach((id, i) => {
      const ping = pings[i];
      const pingMs = ping ? parseResqueDate((tryParse(ping) as { time?: unknown } | undefined)?.time).ms : null;
      if (fresh(pingMs)) return; // alive by its own account, whatever its command line says
      const pid = Number(parseWorkerId(id).pid);
      const state = states.get(pid) ?? localProcessState(pid);
      states.set(pid, state);
      // A pid that is gone from this host is dead whatever its heartbeat says, as php's and Ruby's
      // prunes rule: a worker killed together with its supervisor leaves heartbeats that look
      // fresh for 300 s, and a worker started meanwhile must settle those slots' jobs, not wait.
      // A live pid that is not a resque process is a reused pid — unless the worker vouches for
      // itself: a fresh heartbeat (our Worker inside a process not titled resque) or a ping
      // (node-resque, which never names resque on its command line).
      const vouched = !!ping || fresh(parseResqueDate(beats[id]).ms);
      if (state === "gone" || (state === "other" && !vouched)) candidates.set(id, "same-host");
    });
    for (const [id, reason] of candidates) {
      if (id === opts.selfId || opts.excludeIds?.has(id)) continue;
      const error =
        reason === "heartbeat"
          ? new PruneDeadWorkerDirtyExitError(`Worker ${id} stopped sending heartbeats`)
          : new DirtyExitError(`Worker ${id} is no longer running on ${host}`);
      const r = await unregisterWorker(conn, bytesOf.get(id) ?? id, { registry: opts.registry, error });
      report.pruned.push({ id, reason, job: r.job });
    }
    return report;
  } finally {
    // Ruby lets the lock expire; releasing our own lock lets the next worker prune at once.
    await conn.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      k.pruningLock,
      opts.selfId,
    );
  }
}
