/**
 * The worker's two lanes (worker.ts loop()): with several slots, a second reserve call goes out
 * while the first is unanswered. These check what must not change because of it, in process with
 * real Redis: a per-class limit is never exceeded by two calls granting the same room, and a
 * connection dropped with calls in flight loses no finish and applies none twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { BaseJob, Client, JobRegistry, Worker } from "@/lib/resque";
import { testNamespace, waitFor } from "../helpers/ns";

/** Holds its slot across a few timer ticks, so reservations of later calls overlap it. */
class LimitedJob extends BaseJob<{ n: number }> {
  static names = ["LimitedJob"];
  static concurrency = 2;
  static running = 0;
  static most = 0;
  async perform() {
    LimitedJob.running++;
    LimitedJob.most = Math.max(LimitedJob.most, LimitedJob.running);
    await new Promise((r) => setTimeout(r, 2));
    LimitedJob.running--;
  }
}

/** Counts each run per `n`: a job run twice shows as a count of 2. */
class CountJob extends BaseJob<{ n: number }> {
  static names = ["CountJob"];
  static runs = new Map<number, number>();
  perform() {
    CountJob.runs.set(this.args.n, (CountJob.runs.get(this.args.n) ?? 0) + 1);
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function redisClient(connectionName?: string, maxRetriesPerRequest: number | null = null): Redis {
  const r = new Redis(inject("redisUrl"), { maxRetriesPerRequest, connectionName });
  r.on("error", () => {});
  cleanups.push(async () => r.disconnect());
  return r;
}

async function startWorker(namespace: string, redis: Redis): Promise<{ worker: Worker; errors: Error[] }> {
  const registry = new JobRegistry([LimitedJob, CountJob]);
  const worker = new Worker({ redis, namespace, registry, queues: ["lanes"], intervalSec: 1, concurrency: 10 });
  const errors: Error[] = [];
  worker.on("error", (e) => errors.push(e));
  cleanups.push(() => worker.stop());
  await worker.start();
  return { worker, errors };
}

describe("worker lanes (two reserve calls in flight)", () => {
  it("holds a per-class limit of 2 at 10 slots while other jobs keep both calls busy", async () => {
    const namespace = testNamespace("lanes-limit");
    const redis = redisClient();
    const client = new Client({ redis, namespace });
    // Two limited jobs in every five: each call of five slots could take two if the calls out
    // did not count against each other's room.
    const specs = Array.from({ length: 600 }, (_, n) => ({
      queue: "lanes",
      class: n % 5 < 2 ? "LimitedJob" : "CountJob",
      args: { n },
    }));
    await client.enqueueMany(specs);
    LimitedJob.most = 0;
    CountJob.runs.clear();
    const { errors } = await startWorker(namespace, redisClient());
    await waitFor("600 processed", async () => (await redis.get(`${namespace}:stat:processed`)) === "600", 60_000);
    expect(LimitedJob.most).toBe(2);
    expect(CountJob.runs.size).toBe(360);
    expect(await redis.llen(`${namespace}:failed`)).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);

  // ioredis resends the calls a dropped connection left unanswered (they may have run: finishes
  // must not apply twice), or, allowed no retry, fails them (their finishes must be sent again).
  it.each([
    ["resent", true],
    ["failed", false],
  ])(
    "a connection dropped again and again mid-drain, calls out %s: every job runs once, counted once",
    async (_, resend) => {
      const namespace = testNamespace("lanes-drop");
      const redis = redisClient();
      const client = new Client({ redis, namespace });
      const N = 20_000;
      CountJob.runs.clear();
      for (let i = 0; i < N; i += 5000)
        await client.enqueueMany(
          Array.from({ length: 5000 }, (_, k) => ({ queue: "lanes", class: "CountJob", args: { n: i + k } })),
        );
      // Named, so only this worker's connections (its blocking one is a duplicate) are dropped.
      const name = namespace.replace(/\W/g, "_");
      const { worker, errors } = await startWorker(namespace, redisClient(name, resend ? null : 0));
      const dropWorkerConnections = async () => {
        const list = (await redis.call("CLIENT", "LIST", "TYPE", "normal")) as string;
        const ids = list
          .split("\n")
          .filter((line) => line.includes(` name=${name} `))
          .map((line) => /^id=(\d+)/.exec(line)![1]!);
        for (const id of ids) await redis.client("KILL", "ID", id);
        return ids.length;
      };
      // Each kill lands while the worker's calls are in flight (it drains without pause): their
      // replies are lost, ioredis resends or fails them, and the worker must settle each job once.
      let kills = 0;
      while (kills < 5) {
        const before = CountJob.runs.size;
        if (before >= N) break;
        await waitFor("progress", () => CountJob.runs.size >= Math.min(N, before + 1000), 60_000, 1);
        if (CountJob.runs.size < N && (await dropWorkerConnections()) > 0) kills++;
      }
      await waitFor(
        "all processed",
        async () => (await redis.get(`${namespace}:stat:processed`)) === String(N),
        90_000,
      );
      expect(kills).toBeGreaterThanOrEqual(2);
      // Without resend, the calls out fail and the worker says so; with it, they are answered late.
      if (!resend) expect(errors.length).toBeGreaterThan(0);
      expect(CountJob.runs.size).toBe(N);
      expect([...CountJob.runs.values()].every((c) => c === 1)).toBe(true);
      expect(await redis.llen(`${namespace}:queue:lanes`)).toBe(0);
      expect(await redis.llen(`${namespace}:failed`)).toBe(0);
      // Nothing left in any slot's record, and the counter did not move past N afterwards.
      const held = await redis.mget(...worker.ids.map((id) => `${namespace}:worker:${id}`));
      expect(held.every((v) => v === null)).toBe(true);
      expect(await redis.get(`${namespace}:stat:processed`)).toBe(String(N));
    },
    180_000,
  );
});
