/**
 * Child entry point: one Resque worker of ours (lib/resque; BENCH_CONCURRENCY slots), run as production runs it —
 * bundled by esbuild, started with plain `node`, cwd = project root (for lib/resque/lua).
 * argv: <redis port>
 */
import { createRedis } from "../../lib/redis.js";
import { createLogger } from "../../lib/log.js";
import { BaseJob, JobRegistry, Worker } from "../../lib/resque/index.js";
import { logWorkerEvents } from "../../workers/job-log.js";
import { hostWorker, reportPickup } from "../lib/child.js";
import { QUEUE, type JobArgs } from "../lib/common.js";

const port = Number(process.argv[2]);
/** Slots (BENCH_CONCURRENCY, default 1) and a per-job await (BENCH_JOB_MS, default none). */
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? "1");
const jobMs = Number(process.env.BENCH_JOB_MS ?? "0");

class NoopJob extends BaseJob<JobArgs> {
  static names = ["NoopJob"];
  async perform() {
    reportPickup(this.args);
    if (jobMs) await new Promise((r) => setTimeout(r, jobMs));
  }
}

hostWorker({
  async start(namespace, onDone) {
    const redis = createRedis(`redis://127.0.0.1:${port}`, { lazyConnect: false, maxRetriesPerRequest: null });
    const worker = new Worker({
      redis,
      namespace,
      registry: new JobRegistry([NoopJob]),
      queues: [QUEUE],
      intervalSec: 5,
      pruneOnStart: false,
      concurrency,
    });
    // As workers/resque-worker.ts logs: nothing per job in text form, every job's lines with
    // LOG_FORMAT=json (the log-overhead scenario sets it and sends stdout to a file).
    logWorkerEvents(worker, createLogger("worker", { bindings: { worker: worker.id } }));
    worker.on("success", onDone);
    worker.on("failure", (_q, _p, e) => console.error("[ours worker] job failed:", e));
    worker.on("error", (e) => console.error("[ours worker] error:", e));
    await worker.start();
    return {
      async stop() {
        await worker.stop();
        await redis.quit();
      },
    };
  },
});
