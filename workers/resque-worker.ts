/**
 * One worker process = WORKER_CONCURRENCY slots, each a Resque worker id (`host:pid:queues`, then
 * `host+k:pid:queues`). Started by the supervisor; the
 * file name contains `resque-` and the process title reads `resque-<ver>: …` so php-resque's
 * and Ruby resque's same-host prune recognise it as a live worker.
 *
 * Signals (php-resque/Ruby semantics): TERM/INT stop now (the job in flight becomes a dirty-exit
 * failure, or goes back to its queue when its class is safe to re-run); QUIT finishes the current
 * job, then exits; USR2 pauses; CONT resumes. If the supervisor dies, the worker finishes its job
 * and exits (leaveWhenStuck: also when Redis went down with it).
 */
import { Worker } from "../lib/resque/index";
import { createClient } from "../lib/redis";
import { loadJobClasses } from "./app-include";
import { readWorkerConfig } from "./config";
import { logWorkerEvents } from "./job-log";
import { log, logError, processLog, setLogRole } from "./log";

async function main() {
  const cfg = readWorkerConfig();
  const registry = await loadJobClasses();
  const redis = createClient(cfg.redis, { lazyConnect: false });
  redis.on("error", () => {}); // ioredis reconnects; the worker loop reports and backs off
  const supervised = process.env.RESQUE_SUPERVISED === "1" && typeof process.send === "function";
  const worker = new Worker({
    redis,
    namespace: cfg.namespace,
    registry,
    queues: cfg.queues,
    intervalSec: cfg.intervalSec,
    heartbeat: !supervised,
    setProcessTitle: true,
    concurrency: cfg.concurrency,
    durability: cfg.durability,
  });
  setLogRole("worker", { worker: worker.id });
  logWorkerEvents(worker, processLog());

  let exiting = false;
  const stop = async (mode: "graceful" | "now") => {
    if (exiting && mode === "graceful") return;
    exiting = true;
    if (supervised && process.connected) process.send!({ type: "stopping", id: worker.id });
    try {
      await worker.stop(mode);
    } finally {
      redis.disconnect();
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void stop("now"));
  process.on("SIGINT", () => void stop("now"));
  process.on("SIGQUIT", () => void stop("graceful"));
  process.on("SIGUSR2", () => worker.pause());
  process.on("SIGCONT", () => worker.resume());
  process.on("disconnect", () => {
    void stop("graceful");
    leaveWhenStuck(worker);
  });

  await worker.start();
  if (supervised && process.connected) process.send!({ type: "ready", id: worker.id, ids: worker.ids });
  log(`worker ${worker.id} started`);
}

/**
 * Once no job of this orphan runs any more (the supervisor died, so nobody will reap it), Redis
 * has ORPHAN_GRACE_MS to take the goodbye writes. When it went down too, those writes would wait
 * forever and the process would linger, retrying: it exits instead, with one line. What it still
 * held (a finish not sent, its registration) is what a SIGKILL leaves: the next worker's prune of
 * dead workers settles it.
 */
const ORPHAN_GRACE_MS = 30_000;
function leaveWhenStuck(worker: Worker): void {
  let idleSince = 0;
  setInterval(() => {
    if (worker.busy > 0) idleSince = 0;
    else if (!idleSince) idleSince = Date.now();
    else if (Date.now() - idleSince >= ORPHAN_GRACE_MS) {
      logError(
        `worker ${worker.id}: the supervisor is gone and Redis did not take the worker's last writes within ` +
          `${ORPHAN_GRACE_MS / 1000} s: exiting; the next worker's prune settles what it held`,
      );
      process.exit(1);
    }
  }, 1000).unref();
}

main().catch((e) => {
  logError(`worker ${process.pid} could not start: ${(e as Error).message}`, { err: e });
  process.exit(1);
});
