/**
 * Overview numbers (docs/resque-protocol.md#counters), Sidekiq `Stats#fetch_stats_fast!` style.
 */
import { execAll, execReading, type Connection } from "../connection";
import type { ResqueStats } from "./types";

const count = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Counters, queue and worker totals. `failed` is the lifetime `stat:failed`; `failedListLength`
 * is `LLEN failed`, which is what resque-web labels "failed" (the two drift apart as records
 * are retried or cleared).
 * O(queues + workers) redis calls, 2 round trips.
 */
export async function getStats(conn: Connection): Promise<ResqueStats> {
  const k = conn.keys;
  const first = await execAll(
    conn.redis
      .pipeline()
      .get(k.statProcessed)
      .get(k.statFailed)
      .llen(k.failed)
      .smembers(k.queues)
      .smembers(k.workers)
      .time(),
  );
  const [processed, failed, failedLen, queueNames, workerIds, time] = first as [
    string | null,
    string | null,
    number,
    string[],
    string[],
    [string, string],
  ];
  const queues = queueNames.filter((q) => !q.includes(":temp:"));
  const pipe = conn.redis.pipeline();
  for (const q of queues) pipe.llen(k.queue(q));
  // STRLEN is 0 for a missing key and for Ruby's empty "idle" value alike.
  for (const id of workerIds) pipe.strlen(k.worker(id));
  // Loose: a queue or worker key of another type (someone's HSET) counts 0 instead of failing the page.
  const second = queues.length + workerIds.length > 0 ? await execReading(pipe) : [];
  const pending = second.slice(0, queues.length).reduce<number>((s, v) => s + count(v), 0);
  const working = second.slice(queues.length).filter((v) => count(v) > 0).length;
  return {
    processed: count(processed),
    failed: count(failed),
    failedListLength: failedLen,
    queues: queues.length,
    pending,
    workers: workerIds.length,
    working,
    redisTimeMs: Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000),
  };
}
