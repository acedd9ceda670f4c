/** Child entry point: enqueues with our Client (lib/resque). argv: <redis port> */
import { createRedis } from "../../lib/redis.js";
import { Client, type EnqueueSpec } from "../../lib/resque/index.js";
import { hostProducer } from "../lib/child.js";
import { nowMs, QUEUE } from "../lib/common.js";

const port = Number(process.argv[2]);
const redis = createRedis(`redis://127.0.0.1:${port}`, { lazyConnect: false, maxRetriesPerRequest: null });
const clients = new Map<string, Client>();
const client = (namespace: string) => {
  let c = clients.get(namespace);
  if (!c) clients.set(namespace, (c = new Client({ redis, namespace })));
  return c;
};

hostProducer({
  async one(ns, n) {
    const c = client(ns);
    for (let i = 0; i < n; i++) await c.enqueue(QUEUE, "NoopJob", { i });
  },
  async bulk(ns, n, batch) {
    const c = client(ns);
    for (let start = 0; start < n; start += batch) {
      const specs: EnqueueSpec[] = [];
      for (let i = start; i < Math.min(n, start + batch); i++)
        specs.push({ queue: QUEUE, class: "NoopJob", args: { i } });
      await c.enqueueMany(specs);
    }
  },
  async latency(ns, i) {
    const c = client(ns);
    const t = nowMs();
    await c.enqueue(QUEUE, "NoopJob", { i, t });
  },
  async close() {
    await redis.quit();
  },
});
