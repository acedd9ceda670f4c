/**
 * Child entry point: one node-resque Worker (not MultiWorker), poll timeout 5 ms.
 * argv: <redis port>
 */
import nodeResque from "node-resque";
import { hostWorker, reportPickup } from "../lib/child.js";
import { QUEUE, type JobArgs } from "../lib/common.js";

const port = Number(process.argv[2]);

hostWorker({
  async start(namespace, onDone) {
    const worker = new nodeResque.Worker(
      { connection: { host: "127.0.0.1", port, namespace }, queues: [QUEUE], timeout: 5 },
      {
        NoopJob: {
          perform: async (args: JobArgs) => {
            reportPickup(args);
          },
        },
      },
    );
    worker.on("success", onDone);
    worker.on("failure", (_q, _job, e) => console.error("[node-resque worker] job failed:", e));
    worker.on("error", (e) => console.error("[node-resque worker] error:", e));
    await worker.connect();
    await worker.start();
    return {
      async stop() {
        await worker.end();
      },
    };
  },
});
