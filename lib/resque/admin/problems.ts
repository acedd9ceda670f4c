/**
 * The operational problems a person should hear about, read once and judged by the caller's
 * limits: `status --check` (workers/cli-check.ts) prints them, the dashboard's alert rules
 * (lib/alerts) fire on them. One reading for both, so a probe and an alert never disagree.
 *
 * Cost: readEngineMetrics plus the Workers page's read — O(queues + workers) O(1) commands.
 */
import type { Connection } from "../connection";
import { resolveQueues } from "../queue-match";
import { readEngineMetrics, type EngineMetrics } from "./metrics";
import { listWorkers } from "./workers";

export interface HealthReading {
  metrics: EngineMetrics;
  /** Queue names some live worker takes jobs from (wildcards resolved against the known queues). */
  served: Set<string>;
}

/** One read of everything the problem checks below look at. */
export async function readHealth(conn: Connection): Promise<HealthReading> {
  const [metrics, workers] = await Promise.all([readEngineMetrics(conn), listWorkers(conn)]);
  const names = metrics.queues.map((q) => q.name);
  const served = new Set(workers.filter((w) => w.liveness === "alive").flatMap((w) => resolveQueues(w.queues, names)));
  return { metrics, served };
}

/** Queues holding jobs that no live worker takes, largest first. */
export function unservedQueues(h: HealthReading): { name: string; size: number }[] {
  return h.metrics.queues
    .filter((q) => q.size > 0 && !h.served.has(q.name))
    .map((q) => ({ name: q.name, size: q.size }))
    .sort((a, b) => b.size - a.size);
}

/** Queues whose head job is older than `maxAgeSec`, oldest first. */
export function staleQueues(h: HealthReading, maxAgeSec: number): { name: string; ageSec: number }[] {
  return h.metrics.queues
    .filter((q) => q.oldestAgeSec !== null && q.oldestAgeSec > maxAgeSec)
    .map((q) => ({ name: q.name, ageSec: q.oldestAgeSec! }))
    .sort((a, b) => b.ageSec - a.ageSec);
}

/**
 * Whether the scheduler has been without a leader for longer than `lockTimeoutSec`: the lock
 * outlives a dead leader by up to LOCK_TIMEOUT, so only a missing lock AND no tick within
 * LOCK_TIMEOUT means that. `tickAgeSec` null: no scheduler has ever ticked.
 */
export function leaderless(h: HealthReading, lockTimeoutSec: number): { tickAgeSec: number | null } | null {
  const tickAgeSec = h.metrics.schedulerLastTickAgeSec;
  if (h.metrics.schedulerLeader || (tickAgeSec !== null && tickAgeSec <= lockTimeoutSec)) return null;
  return { tickAgeSec };
}
