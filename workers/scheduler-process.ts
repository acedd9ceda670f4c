/**
 * Runs a Scheduler with logging, for `npm run queue -- scheduler` (alone, until a signal) and
 * inside the supervisor of `work`; beside it, the alert rules' evaluation (lib/alerts/loop.ts).
 */
import { existsSync } from "node:fs";
import { alertIntervalMsFromEnv, startAlertLoop } from "../lib/alerts/loop";
import { databaseUrlFromEnv, getDb, isPostgresUrl, MEMORY_DATABASE } from "../lib/db/index";
import { Connection, Scheduler, type JobRegistry } from "../lib/resque/index";
import { createClient } from "../lib/redis";
import type { WorkerConfig } from "./config";
import { createLogger } from "../lib/log";

export async function startScheduler(
  cfg: WorkerConfig,
  registry: JobRegistry,
): Promise<{ scheduler: Scheduler; stop: () => Promise<void> }> {
  const redis = createClient(cfg.redis, { lazyConnect: false });
  redis.on("error", () => {});
  const scheduler = new Scheduler({
    redis,
    namespace: cfg.namespace,
    registry,
    lockTimeoutSec: cfg.lockTimeoutSec,
    durability: cfg.durability,
  });
  // Its own role on every line, also inside the supervisor's process.
  const log = createLogger("scheduler", { bindings: { scheduler: scheduler.id } });
  scheduler.on("leader", () => log.info(`scheduler ${scheduler.id}: leader`, { event: "scheduler.leader" }));
  scheduler.on("standby", (leader) =>
    log.info(`scheduler ${scheduler.id}: standby (leader ${leader ?? "none"})`, {
      event: "scheduler.standby",
      leader: leader ?? null,
    }),
  );
  scheduler.on("fired", (fired) =>
    fired.forEach((f) =>
      log.info(`scheduler: schedule ${f.name} enqueued ${f.class} on ${f.queue}`, {
        event: "schedule.fired",
        schedule: f.name,
        jobId: f.id,
        jobClass: f.class,
        queue: f.queue,
      }),
    ),
  );
  scheduler.on("problem", (message) =>
    log.warn(`scheduler ${scheduler.id}: ${message}`, { event: "scheduler.problem" }),
  );
  scheduler.on("error", (e) =>
    log.error(`scheduler ${scheduler.id}: ${e.message}`, { event: "scheduler.error", err: e }),
  );
  await redis.ping();
  await scheduler.start();
  // Every scheduler process checks the rules, leader or not: lib/alerts/loop.ts says why that sends once.
  const alerts = startAlertLoop({
    conn: new Connection({ redis, namespace: cfg.namespace }),
    // Rules live in the dashboard's database: a scheduler started before it exists creates none.
    db: async () => {
      const location = databaseUrlFromEnv();
      if (isPostgresUrl(location)) return getDb();
      return location !== MEMORY_DATABASE && existsSync(location) ? getDb() : null;
    },
    intervalMs: alertIntervalMsFromEnv(),
    lockTimeoutSec: cfg.lockTimeoutSec,
    log: (line) => log.info(line, { event: "alert" }),
  });
  return {
    scheduler,
    stop: async () => {
      await alerts.stop();
      await scheduler.stop();
      redis.disconnect();
    },
  };
}

/** `npm run queue -- scheduler`: runs until TERM/INT/QUIT, then releases the leader lock. */
export async function runScheduler(cfg: WorkerConfig, registry: JobRegistry): Promise<void> {
  const { stop } = await startScheduler(cfg, registry);
  await new Promise<void>((resolve) => {
    for (const sig of ["SIGTERM", "SIGINT", "SIGQUIT"] as const) process.once(sig, resolve);
  });
  await stop();
}
