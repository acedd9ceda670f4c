/**
 * Child entry point: enqueues with node-resque's Queue. argv: <redis port>
 * node-resque has no bulk API: `bulk` issues each batch as concurrent `queue.enqueue` calls,
 * which ioredis writes back to back on one connection (pipelined in effect).
 */
import nodeResque from "node-resque";
import { hostProducer } from "../lib/child.js";
import { nowMs, QUEUE } from "../lib/common.js";

const port = Number(process.argv[2]);
const queues = new Map<string, InstanceType<typeof nodeResque.Queue>>();
const queue = async (namespace: string) => {
  let q = queues.get(namespace);
  if (!q) {
    q = new nodeResque.Queue({ connection: { host: "127.0.0.1", port, namespace } });
    q.on("error", (e) => console.error("[node-resque queue] error:", e));
    await q.connect();
    queues.set(namespace, q);
  }
  return q;
};

hostProducer({
  async one(ns, n) {
    const q = await queue(ns);
    for (let i = 0; i < n; i++) await q.enqueue(QUEUE, "NoopJob", [{ i }]);
  },
  async bulk(ns, n, batch) {
    const q = await queue(ns);
    for (let start = 0; start < n; start += batch) {
      const calls: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(n, start + batch); i++) calls.push(q.enqueue(QUEUE, "NoopJob", [{ i }]));
      await Promise.all(calls);
    }
  },
  async latency(ns, i) {
    const q = await queue(ns);
    const t = nowMs();
    await q.enqueue(QUEUE, "NoopJob", [{ i, t }]);
  },
  /**
   * Untimed pre-fill for the worker scenarios: payloads from node-resque's own `queue.encode`,
   * pushed 1,000 per RPUSH (its per-job MULTI would add seconds of set-up to every run).
   */
  async prefill(ns, n, batch) {
    const q = await queue(ns);
    const redis = q.connection.redis;
    await redis.sadd(q.connection.key("queues"), QUEUE);
    for (let start = 0; start < n; start += batch) {
      const payloads: string[] = [];
      for (let i = start; i < Math.min(n, start + batch); i++) payloads.push(q.encode(QUEUE, "NoopJob", [{ i }]));
      await redis.rpush(q.connection.key("queue", QUEUE), ...payloads);
    }
  },
  async close() {
    for (const q of queues.values()) await q.end();
  },
});
