/** Child entry point: enqueues with BullMQ's Queue (`add`, `addBulk`). argv: <redis port> */
import { Queue } from "bullmq";
import { hostProducer } from "../lib/child.js";
import { nowMs, QUEUE, type JobArgs } from "../lib/common.js";

const port = Number(process.argv[2]);
const queues = new Map<string, Queue<JobArgs>>();
const queue = async (prefix: string) => {
  let q = queues.get(prefix);
  if (!q) {
    q = new Queue<JobArgs>(QUEUE, { connection: { host: "127.0.0.1", port }, prefix });
    q.on("error", (e) => console.error("[bullmq queue] error:", e));
    await q.waitUntilReady();
    queues.set(prefix, q);
  }
  return q;
};

hostProducer({
  async one(ns, n) {
    const q = await queue(ns);
    for (let i = 0; i < n; i++) await q.add("NoopJob", { i });
  },
  async bulk(ns, n, batch) {
    const q = await queue(ns);
    for (let start = 0; start < n; start += batch) {
      const jobs: { name: string; data: JobArgs }[] = [];
      for (let i = start; i < Math.min(n, start + batch); i++) jobs.push({ name: "NoopJob", data: { i } });
      await q.addBulk(jobs);
    }
  },
  async latency(ns, i) {
    const q = await queue(ns);
    const t = nowMs();
    await q.add("NoopJob", { i, t });
  },
  async close() {
    for (const q of queues.values()) await q.close();
  },
});
