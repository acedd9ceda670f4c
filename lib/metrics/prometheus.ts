/**
 * The /metrics exposition (docs/monitoring.md): the engine's snapshot (lib/resque/admin/metrics.ts)
 * and the export records rendered with prom-client. A fresh registry per read: every value is
 * read from Redis or the database, none is accumulated in this process, so several web hosts
 * behind one scrape target report the same numbers.
 */
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { getDb } from "../db/index";
import { getConnection } from "../redis";
import { readEngineMetrics, type EngineMetrics } from "../resque/admin/metrics";

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

function gauge(reg: Registry, name: string, help: string, labelNames: string[] = []): Gauge {
  return new Gauge({ name, help, labelNames, registers: [reg] });
}

function counter(reg: Registry, name: string, help: string, labelNames: string[] = []): Counter {
  return new Counter({ name, help, labelNames, registers: [reg] });
}

function addEngine(reg: Registry, m: EngineMetrics): void {
  const size = gauge(reg, "resque_queue_size", "Jobs waiting in the queue.", ["queue"]);
  const age = gauge(
    reg,
    "resque_queue_oldest_job_age_seconds",
    "Age of the job at the head of the queue (from php's queue_time); absent when unknown or empty.",
    ["queue"],
  );
  for (const q of m.queues) {
    size.set({ queue: q.name }, q.size);
    if (q.oldestAgeSec !== null) age.set({ queue: q.name }, q.oldestAgeSec);
  }
  counter(reg, "resque_jobs_processed_total", "Jobs processed by every worker (stat:processed).").inc(m.processed);
  counter(reg, "resque_jobs_failed_total", "Jobs failed on every worker (stat:failed).").inc(m.failed);
  const proc = counter(reg, "resque_worker_jobs_processed_total", "Jobs settled by our workers, by queue.", ["queue"]);
  for (const [q, n] of Object.entries(m.processedBy.queue)) proc.inc({ queue: q }, n);
  const procC = counter(reg, "resque_worker_class_jobs_processed_total", "Jobs settled by our workers, by class.", [
    "class",
  ]);
  for (const [c, n] of Object.entries(m.processedBy.class)) procC.inc({ class: c }, n);
  const fail = counter(reg, "resque_worker_jobs_failed_total", "Jobs failed on our workers, by queue.", ["queue"]);
  for (const [q, n] of Object.entries(m.failedBy.queue)) fail.inc({ queue: q }, n);
  const failC = counter(reg, "resque_worker_class_jobs_failed_total", "Jobs failed on our workers, by class.", [
    "class",
  ]);
  for (const [c, n] of Object.entries(m.failedBy.class)) failC.inc({ class: c }, n);
  addDurationHistogram(reg, m);
  gauge(reg, "resque_jobs_in_flight", "Jobs being run by a registered worker.").set(m.inFlight);
  const workers = gauge(reg, "resque_workers", "Registered workers by host and liveness.", ["host", "state"]);
  for (const w of m.workers) workers.set({ host: w.host, state: w.liveness }, w.count);
  gauge(reg, "resque_delayed_jobs", "Items in the delayed queue.").set(m.delayedTotal);
  gauge(reg, "resque_delayed_jobs_overdue", "Delayed items whose time has passed.").set(m.delayedOverdue);
  gauge(reg, "resque_scheduler_leader", "1 when a scheduler holds the master lock.").set(m.schedulerLeader ? 1 : 0);
  if (m.schedulerLastTickAgeSec !== null)
    gauge(reg, "resque_scheduler_last_tick_age_seconds", "Seconds since our schedulers' newest tick.").set(
      m.schedulerLastTickAgeSec,
    );
  gauge(reg, "resque_failed_jobs", "Records in the failed list.").set(m.failedListLength);
  counter(reg, "resque_retries_scheduled_total", "Failed attempts rescheduled by a retry policy.").inc(
    m.retriesScheduled,
  );
}

/**
 * The duration histogram is kept as bucket counters in Redis by the workers, so it is exported
 * as already-aggregated values: prom-client's Histogram only observes, so this is a metric
 * object of type histogram with its own `get()` (the shape prom-client's Histogram returns).
 */
function addDurationHistogram(reg: Registry, m: EngineMetrics): void {
  const name = "resque_job_duration_seconds";
  const help = "Run time of jobs settled by our workers, by class.";
  const values = m.durations.flatMap((h) => [
    ...h.buckets.map((b) => ({
      metricName: name + "_bucket",
      labels: { le: b.le, class: h.className },
      value: b.count,
    })),
    { metricName: name + "_sum", labels: { class: h.className }, value: h.sum },
    { metricName: name + "_count", labels: { class: h.className }, value: h.count },
  ]);
  const metric = { name, help, type: "histogram", get: async () => ({ name, help, type: "histogram", values }) };
  reg.registerMetric(metric as unknown as Metric);
}

async function addExports(reg: Registry): Promise<void> {
  const g = gauge(reg, "resque_exports", "CSV exports by state (database).", ["state"]);
  const db = await getDb();
  const rows = await db
    .selectFrom("exports")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("status", "in", ["running", "failed"])
    .groupBy("status")
    .execute();
  for (const state of ["running", "failed"]) g.set({ state }, Number(rows.find((r) => r.status === state)?.n ?? 0));
}

/**
 * The whole exposition. Redis being away is not an error: `resque_redis_up 0` and no engine
 * metrics; the database being away leaves out the export gauges only.
 */
export async function renderMetrics(): Promise<string> {
  const reg = new Registry();
  const conn = getConnection();
  const up = gauge(reg, "resque_redis_up", "1 when Redis answered this scrape.");
  let engine: EngineMetrics | undefined;
  try {
    const t0 = performance.now();
    await conn.redis.ping();
    gauge(reg, "resque_redis_rtt_seconds", "Round trip of one PING to Redis.").set((performance.now() - t0) / 1000);
    engine = await readEngineMetrics(conn);
    up.set(1);
  } catch {
    up.set(0);
  }
  if (engine) addEngine(reg, engine);
  await addExports(reg).catch(() => undefined);
  return reg.metrics();
}
