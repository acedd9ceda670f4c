/**
 * Everything /metrics exports about the engine, as plain data (docs/monitoring.md). The cost is
 * the same whatever the queue SIZES: queues and workers are read with the Queues and Workers
 * pages' own reads (a few O(1) commands per queue and per worker: LLEN and LINDEX 0, never a
 * range), delayed items are counted in one Lua call, and the rest is one pipeline of fixed
 * commands. So the number of commands grows with the number of queues and workers only.
 */
import { execAll, type Connection } from "../connection";
import { DURATION_BUCKETS } from "../job-metrics";
import { tryParse } from "../raw-json";
import type { SchedulerRecord } from "../scheduler";
import { countDelayed } from "./delayed";
import { listQueues } from "./queues";
import type { Liveness } from "./types";
import { listWorkers } from "./workers";

export interface DurationHistogram {
  className: string;
  /** Cumulative counts per upper bound, in DURATION_BUCKETS order, then `+Inf`. */
  buckets: { le: string; count: number }[];
  sum: number;
  count: number;
}

export interface EngineMetrics {
  queues: { name: string; size: number; oldestAgeSec: number | null }[];
  /** Lifetime `stat:processed` / `stat:failed` (every implementation's workers). */
  processed: number;
  failed: number;
  /** Jobs settled by our workers, by queue and by class (tsq:metrics:*). */
  processedBy: { queue: Record<string, number>; class: Record<string, number> };
  failedBy: { queue: Record<string, number>; class: Record<string, number> };
  durations: DurationHistogram[];
  inFlight: number;
  /** Registered workers counted by host and liveness (as the Workers page decides it). */
  workers: { host: string; liveness: Liveness; count: number }[];
  delayedTotal: number;
  delayedOverdue: number;
  /** A scheduler holds the master lock. */
  schedulerLeader: boolean;
  /** Seconds since the newest tick any of our schedulers recorded; null when none did. */
  schedulerLastTickAgeSec: number | null;
  failedListLength: number;
  retriesScheduled: number;
}

const count = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/** `queue:<q>` / `class:<c>` fields of a metrics hash, split by kind. */
function byKind(hash: Record<string, string>): { queue: Record<string, number>; class: Record<string, number> } {
  const out = { queue: {} as Record<string, number>, class: {} as Record<string, number> };
  for (const [field, v] of Object.entries(hash)) {
    const at = field.indexOf(":");
    const kind = field.slice(0, at);
    if (kind === "queue" || kind === "class") out[kind][field.slice(at + 1)] = count(v);
  }
  return out;
}

/**
 * `<le>|<class>` and `sum_us|<class>` fields → one cumulative histogram per class; its count (the
 * sum of the class's bucket fields) is also the class's processed total.
 */
export function histogramsOf(hash: Record<string, string>): DurationHistogram[] {
  const per = new Map<string, { raw: Map<string, number>; sum: number; count: number }>();
  for (const [field, v] of Object.entries(hash)) {
    const at = field.indexOf("|");
    if (at < 0) continue;
    const head = field.slice(0, at);
    const cls = field.slice(at + 1);
    let h = per.get(cls);
    if (!h) per.set(cls, (h = { raw: new Map(), sum: 0, count: 0 }));
    if (head === "sum_us") h.sum = count(v) / 1e6;
    else {
      h.raw.set(head, count(v));
      h.count += count(v);
    }
  }
  return [...per.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([className, h]) => {
      let running = 0;
      const buckets = [...DURATION_BUCKETS.map(String), "+Inf"].map((le) => {
        running += h.raw.get(le) ?? 0;
        return { le, count: running };
      });
      return { className, buckets, sum: h.sum, count: h.count };
    });
}

/** One snapshot for /metrics. Round trips run in parallel; see the file comment for the cost. */
export async function readEngineMetrics(conn: Connection): Promise<EngineMetrics> {
  const k = conn.keys;
  const [queues, workers, delayed, fixed] = await Promise.all([
    listQueues(conn),
    listWorkers(conn),
    countDelayed(conn),
    execAll(
      conn.redis
        .pipeline()
        .time()
        .get(k.statProcessed)
        .get(k.statFailed)
        .llen(k.failed)
        .get(k.statRetried)
        .hgetall(k.metricsProcessed)
        .hgetall(k.metricsFailed)
        .hgetall(k.metricsDuration)
        .exists(k.schedulerMasterLock)
        .hgetall(k.schedulers),
    ),
  ]);
  const [time, processed, failed, failedLen, retried, byProcessed, byFailed, durations, leader, schedulers] = fixed as [
    [string, string],
    string | null,
    string | null,
    number,
    string | null,
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    number,
    Record<string, string>,
  ];
  const histograms = histogramsOf(durations);
  const processedBy = byKind(byProcessed);
  for (const h of histograms) processedBy.class[h.className] = h.count;
  const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  let lastTickMs: number | null = null;
  for (const v of Object.values(schedulers)) {
    const r = tryParse(v) as Partial<SchedulerRecord> | undefined;
    const at = r && typeof r === "object" && typeof r.lastTickAt === "string" ? Date.parse(r.lastTickAt) : NaN;
    if (Number.isFinite(at) && (lastTickMs === null || at > lastTickMs)) lastTickMs = at;
  }
  const hosts = new Map<string, { host: string; liveness: Liveness; count: number }>();
  for (const w of workers) {
    const key = w.host + "\n" + w.liveness;
    const e = hosts.get(key) ?? { host: w.host, liveness: w.liveness, count: 0 };
    e.count++;
    hosts.set(key, e);
  }
  return {
    queues: queues.map((q) => ({ name: q.name, size: q.size, oldestAgeSec: q.latencySec })),
    processed: count(processed),
    failed: count(failed),
    processedBy,
    failedBy: byKind(byFailed),
    durations: histograms,
    inFlight: workers.filter((w) => w.job).length,
    workers: [...hosts.values()],
    delayedTotal: delayed.total,
    delayedOverdue: delayed.due,
    schedulerLeader: leader === 1,
    schedulerLastTickAgeSec: lastTickMs === null ? null : Math.max(0, (nowMs - lastTickMs) / 1000),
    failedListLength: failedLen,
    retriesScheduled: count(retried),
  };
}
