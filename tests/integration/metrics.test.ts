/**
 * The engine half of /metrics and `status --check` (docs/monitoring.md): what our workers record
 * per queue, class and duration bucket; a scrape's Redis command count, the same at 10 and at
 * 1,000 queued jobs (counted by a private redis-server's INFO commandstats, so no other test's
 * traffic is counted); and the check's exit codes for each problem.
 */
import type { Redis } from "ioredis";
import { Redis as IORedis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { BaseJob, Client, Connection, JobRegistry, Scheduler, Worker } from "@/lib/resque";
import { readEngineMetrics } from "@/lib/resque/admin/metrics";
import { UNKNOWN_CLASS } from "@/lib/resque/job-metrics";
import { encodePayload } from "@/lib/resque/payload";
import { runCliInProcess as cli } from "../helpers/cli";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";
import { cliEnv } from "../helpers/processes";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

class QuickJob extends BaseJob<{ n: number }> {
  static names = ["QuickJob"];
  perform() {}
}
class BadJob extends BaseJob {
  static names = ["BadJob"];
  perform() {
    throw new Error("bad");
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(label: string): { redis: Redis; namespace: string; conn: Connection; registry: JobRegistry } {
  const redis = testRedis();
  const namespace = testNamespace(label);
  cleanups.push(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return {
    redis,
    namespace,
    conn: new Connection({ redis, namespace }),
    registry: new JobRegistry([QuickJob, BadJob]),
  };
}

describe("job metrics recorded by our workers", () => {
  it("counts by queue and class, and keeps a duration histogram per class", async () => {
    const { redis, namespace, conn, registry } = setup("metrics");
    const client = new Client({ redis, namespace, registry });
    const worker = new Worker({ redis, namespace, registry, queues: ["a", "b"], intervalSec: 1 });
    await worker.start();
    cleanups.push(() => worker.stop());
    for (let n = 0; n < 3; n++) await client.enqueue("a", QuickJob, { n });
    await client.enqueue("b", "BadJob", {});
    // A class this worker does not know: labelled as unknown, so payloads cannot mint label values.
    await redis.rpush(`${namespace}:queue:b`, JSON.stringify({ class: "Nope" + Math.random(), args: [] }));
    await waitFor("all settled", async () => {
      const m = await readEngineMetrics(conn);
      return m.processedBy.queue.a === 3 && m.processedBy.queue.b === 2 ? m : null;
    });
    // The last success is finished with the worker's next reserve: stop it so every finish is in.
    await worker.stop();
    const m = await readEngineMetrics(conn);
    expect(m.processed).toBe(5);
    expect(m.failed).toBe(2);
    expect(m.processedBy).toEqual({ queue: { a: 3, b: 2 }, class: { QuickJob: 3, BadJob: 1, [UNKNOWN_CLASS]: 1 } });
    expect(m.failedBy).toEqual({ queue: { b: 2 }, class: { BadJob: 1, [UNKNOWN_CLASS]: 1 } });
    expect(m.failedListLength).toBe(2);
    const quick = m.durations.find((h) => h.className === "QuickJob")!;
    expect(quick.count).toBe(3);
    expect(quick.buckets.at(-1)).toEqual({ le: "+Inf", count: 3 });
    // Cumulative: never decreasing, and the sum is a real duration.
    quick.buckets.reduce((prev, b) => (expect(b.count).toBeGreaterThanOrEqual(prev), b.count), 0);
    expect(quick.sum).toBeGreaterThanOrEqual(0);
    expect(m.durations.map((h) => h.className).sort()).toEqual([UNKNOWN_CLASS, "BadJob", "QuickJob"].sort());
    expect(m.inFlight).toBe(0);
  });
});

describe("the cost of one scrape", () => {
  let server: RedisServer;
  let redis: IORedis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new IORedis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** Commands the server ran during `fn` (Lua-internal calls included), INFO itself excluded. */
  async function commandsDuring(fn: () => Promise<unknown>): Promise<number> {
    const total = async () => {
      const info = await redis.info("commandstats");
      let n = 0;
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") n += Number(m[2]);
      return n;
    };
    const before = await total();
    await fn();
    return (await total()) - before;
  }

  it("is the same number of Redis commands at 10 and at 1,000 queued jobs per queue", async () => {
    const namespace = testNamespace("cost");
    const conn = new Connection({ redis, namespace });
    const client = new Client({ redis, namespace, registry: new JobRegistry([QuickJob]) });
    const queues = ["q1", "q2", "q3"];
    const fill = async (perQueue: number) => {
      for (const q of queues) {
        const have = await redis.llen(`${namespace}:queue:${q}`);
        const items = Array.from({ length: perQueue - have }, (_, n) => encodePayload("QuickJob", [{ n }]));
        if (items.length) await redis.rpush(`${namespace}:queue:${q}`, ...items);
      }
      for (const q of queues) await client.enqueue(q, QuickJob, { n: -1 }); // registers the queue
    };
    await fill(10);
    await readEngineMetrics(conn); // warm-up: script loading is not part of a scrape
    const at10 = await commandsDuring(() => readEngineMetrics(conn));
    await fill(1000);
    expect((await readEngineMetrics(conn)).queues.map((q) => q.size)).toEqual([1001, 1001, 1001]);
    const at1000 = await commandsDuring(() => readEngineMetrics(conn));
    expect(at10).toBeGreaterThan(0);
    expect(at1000).toBe(at10);
  });

  it("serves concurrent scrapes of /metrics from one read", async () => {
    const namespace = testNamespace("scrapes");
    const token = "scrape-token-" + "y".repeat(16);
    const saved = { ...process.env };
    // The route's module reads these when it is first loaded and called: a window long enough that
    // the check below does not depend on timing, this server, and a database of its own.
    Object.assign(process.env, {
      JSON_SHARE_MS: "600000",
      REDIS_URL: server.url,
      RESQUE_NAMESPACE: namespace,
      METRICS_TOKEN: token,
      DATABASE_URL: ":memory:",
    });
    const { GET } = await import("@/app/metrics/route");
    const { forgetSharedReads } = await import("@/app/json-route");
    const { getRedis } = await import("@/lib/redis");
    const { closeDb } = await import("@/lib/db");
    try {
      await redis.sadd(`${namespace}:queues`, "s1", "s2");
      const scrape = async () => {
        const res = await GET(new Request("http://x/metrics", { headers: { authorization: `Bearer ${token}` } }));
        expect(res.status).toBe(200);
        return res.text();
      };
      await scrape(); // warm-up: connecting and loading scripts are not part of a scrape
      forgetSharedReads();
      const one = await commandsDuring(scrape);
      forgetSharedReads();
      let bodies: string[] = [];
      const five = await commandsDuring(async () => (bodies = await Promise.all([1, 2, 3, 4, 5].map(scrape))));
      expect(one).toBeGreaterThan(0);
      expect(five).toBe(one);
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).toMatch(/^resque_queue_size\{queue="s2"\} 0$/m);
    } finally {
      getRedis().disconnect();
      await closeDb();
      process.env = saved;
    }
  });
});

describe("status --check", () => {
  it("exits 1 with one line per problem, 0 with ok", async () => {
    const { redis, namespace, registry } = setup("check");
    const env = cliEnv(inject("redisUrl"), namespace, { LOCK_TIMEOUT: "5" });
    const check = (...extra: string[]) => cli(["status", "--check", ...extra], env);

    // Nothing at all: no scheduler has ever led.
    let r = await check();
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual(["scheduler: no leader, and no scheduler has ever ticked"]);

    const scheduler = new Scheduler({ redis, namespace, lockTimeoutSec: 5, id: "check-sched" });
    const led = new Promise<void>((resolve) => scheduler.once("leader", resolve));
    await scheduler.start();
    cleanups.push(() => scheduler.stop());
    await led;
    const worker = new Worker({ redis, namespace, registry, queues: ["served"], intervalSec: 1 });
    await worker.start();
    cleanups.push(() => worker.stop());
    r = await check();
    expect(r).toMatchObject({ code: 0, stdout: "ok\n" });

    // A queue with jobs and no live worker; a head job an hour old (php's queue_time).
    const now = Number((await redis.time())[0]);
    await redis.sadd(`${namespace}:queues`, "orphan");
    await redis.rpush(`${namespace}:queue:orphan`, encodePayload("QuickJob", [{ n: 1 }], { queueTimeSec: now - 3600 }));
    r = await check();
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual(["queue orphan: 1 job(s) and no live worker"]);
    r = await check("--max-age", "600");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^queue orphan: oldest job is 3\d{3}s old \(more than --max-age 600s\)$/m);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    r = await check("--max-age", "100000");
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    await redis.del(`${namespace}:queue:orphan`);
    expect(await check("--max-age", "600")).toMatchObject({ code: 0, stdout: "ok\n" });

    // The leader goes away.
    await scheduler.stop();
    r = await check();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^scheduler: no leader/);

    // A scheduler that ticked once and died: its lock expires after LOCK_TIMEOUT, its record stays.
    const crashed = new Scheduler({ redis, namespace, lockTimeoutSec: 1, id: "crashed" });
    await crashed.tick();
    const stale = await waitFor("leaderless for longer than LOCK_TIMEOUT", async () => {
      const res = await cli(["status", "--check"], { ...env, LOCK_TIMEOUT: "1" });
      return /^scheduler: no leader for \d+s \(LOCK_TIMEOUT is 1s\)$/m.test(res.stdout) ? res : null;
    });
    expect(stale.code).toBe(1);
    expect((await check("--max-age", "x")).code).not.toBe(0);
  });
});
