/**
 * Child entry point: one BullMQ Worker, concurrency 10, completed jobs removed.
 * argv: <redis port>
 */
import { Worker } from "bullmq";
import { hostWorker, reportPickup } from "../lib/child.js";
import { QUEUE, type JobArgs } from "../lib/common.js";

const port = Number(process.argv[2]);
/** Per-job await (BENCH_JOB_MS, default none), as bench/workers/ours.ts. */
const jobMs = Number(process.env.BENCH_JOB_MS ?? "0");

hostWorker({
  async start(prefix, onDone) {
    const worker = new Worker<JobArgs>(
      QUEUE,
      async (job) => {
        reportPickup(job.data);
        if (jobMs) await new Promise((r) => setTimeout(r, jobMs));
      },
      {
        connection: { host: "127.0.0.1", port },
        prefix,
        concurrency: 10,
        removeOnComplete: { count: 0 },
        autorun: false,
      },
    );
    worker.on("completed", onDone);
    worker.on("failed", (_job, e) => console.error("[bullmq worker] job failed:", e));
    worker.on("error", (e) => console.error("[bullmq worker] error:", e));
    worker.run().catch((e: unknown) => console.error("[bullmq worker] run:", e));
    await worker.waitUntilReady();
    return {
      async stop() {
        await worker.close();
      },
    };
  },
});
