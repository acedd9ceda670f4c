/**
 * Interop with the real node-resque 9 (its own ioredis 5) on one redis-server and namespace:
 * node-resque enqueues → our Worker runs; we enqueue → node-resque's Worker runs; node-resque's
 * failure records and workers read, retried and removed through our admin API.
 */
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { Worker as NodeWorker } from "node-resque";
import {
  BaseJob,
  Client,
  Connection,
  JobRegistry,
  Worker,
  getStats,
  groupFailed,
  listFailed,
  listWorkers,
  rawField,
  removeFailed,
  retryFailed,
} from "@/lib/resque";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";
import { startNodeQueue, startNodeWorker } from "../helpers/node-resque-interop";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(label: string) {
  const redis = testRedis();
  const namespace = testNamespace(label);
  cleanups.push(async () => redis.disconnect());
  return { redis, namespace, conn: new Connection({ redis, namespace }), key: (k: string) => `${namespace}:${k}` };
}

async function redisNowMs(redis: ReturnType<typeof testRedis>): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** Index order of the keys in a stored JSON object, as written. */
const keyOrder = (raw: string) => Object.keys(JSON.parse(raw) as object);

describe("node-resque enqueues, our Worker runs", () => {
  it("runs one-object, bare-object, positional and no-arg jobs with php-style this.args and the whole argsArray", async () => {
    const { redis, namespace, conn, key } = setup("node-to-ts");
    const runs: { className: string; args: unknown; argsArray: unknown[]; queue: string; id?: string; raw: string }[] =
      [];
    const record = (job: BaseJob<unknown>) =>
      runs.push({
        className: job.job.className,
        args: job.args,
        argsArray: job.job.argsArray,
        queue: job.job.queue,
        id: job.job.id,
        raw: job.job.raw,
      });
    class SendEmail extends BaseJob<{ to: string; subject: string }> {
      static names = ["sendEmail"];
      perform() {
        record(this);
      }
    }
    class Add extends BaseJob<unknown> {
      static names = ["add"];
      perform() {
        record(this);
      }
    }
    class NoArgs extends BaseJob<unknown> {
      static names = ["noArgs"];
      perform() {
        record(this);
      }
    }
    const worker = new Worker({
      redis,
      namespace,
      registry: new JobRegistry([SendEmail, Add, NoArgs]),
      queues: ["nq"],
      intervalSec: 0.1,
    });
    cleanups.push(() => worker.stop());
    await worker.start();

    const queue = await startNodeQueue(namespace);
    cleanups.push(() => queue.stop());
    const mail = { to: "zoë@example.com", subject: "a/b </script> ü 😀" };
    await queue.it.enqueue("nq", "sendEmail", [mail]);
    // Typed as an array, but node-resque arrayifies a bare value at runtime: stored as [obj].
    await queue.it.enqueue("nq", "sendEmail", {
      to: "bare@example.com",
      subject: "not wrapped by the caller",
    } as unknown as unknown[]);
    await queue.it.enqueue("nq", "add", [1, "two", { three: 3 }, null]);
    await queue.it.enqueue("nq", "noArgs");

    await waitFor("four jobs ran", () => runs.length === 4);
    expect(runs.map((r) => r.className)).toEqual(["sendEmail", "sendEmail", "add", "noArgs"]);
    expect(runs[0]).toMatchObject({ args: mail, argsArray: [mail], queue: "nq", id: undefined });
    // node-resque's wire format: {class, queue, args}, args always an array (arrayify).
    expect(keyOrder(runs[0]!.raw)).toEqual(["class", "queue", "args"]);
    expect(runs[0]!.raw).toBe(JSON.stringify({ class: "sendEmail", queue: "nq", args: [mail] }));
    expect(runs[1]).toMatchObject({
      args: { to: "bare@example.com", subject: "not wrapped by the caller" },
      argsArray: [{ to: "bare@example.com", subject: "not wrapped by the caller" }],
    });
    expect(runs[2]).toMatchObject({ args: 1, argsArray: [1, "two", { three: 3 }, null] });
    expect(runs[3]!.args).toBeUndefined();
    expect(runs[3]!.argsArray).toEqual([]);

    // Ruby/php semantics: every attempt counts, globally and under our full worker id.
    await waitFor("processed counted", async () => (await redis.get(key("stat:processed"))) === "4");
    expect(await redis.get(key(`stat:processed:${worker.id}`))).toBe("4");
    expect(await redis.llen(key("queue:nq"))).toBe(0);
    expect(await redis.llen(key("failed"))).toBe(0);
    expect(await redis.get(key(`worker:${worker.id}`))).toBeNull();
    expect(await getStats(conn)).toMatchObject({
      processed: 4,
      failed: 0,
      failedListLength: 0,
      queues: 1,
      pending: 0,
      workers: 1,
      working: 0,
    });
    expect(await queue.it.length("nq")).toBe(0);
    expect(queue.errors).toEqual([]);
  });
});

describe("we enqueue, node-resque's Worker runs", () => {
  it("spreads our one-object args into perform and sees our payload's id; enqueueMany across two queues", async () => {
    const { redis, namespace, key } = setup("ts-to-node");
    const client = new Client({ redis, namespace });
    const seen: { args: unknown[]; job: unknown }[] = [];
    const node = await startNodeWorker(namespace, ["tq", "tq2"], {
      greet: {
        perform: async function (this: NodeWorker, ...args: unknown[]) {
          seen.push({ args, job: this.job });
        },
      },
    });
    cleanups.push(() => node.stop());

    const first = await client.enqueue("tq", "greet", { name: "Zoë", path: "a/b", tags: [] });
    const many = await client.enqueueMany([
      { queue: "tq", class: "greet", args: { name: "second" } },
      { queue: "tq2", class: "greet", args: { name: "third" } },
    ]);
    await waitFor("three greets", () => seen.length === 3);
    const byName = new Map(seen.map((s) => [(s.args[0] as { name: string }).name, s]));
    expect(byName.get("Zoë")!.args).toEqual([{ name: "Zoë", path: "a/b", tags: [] }]);
    expect(byName.get("second")!.args).toEqual([{ name: "second" }]);
    expect(byName.get("third")!.args).toEqual([{ name: "third" }]);
    // node-resque keeps our extra payload keys: the php-style id survives into this.job.
    expect(byName.get("Zoë")!.job).toEqual(JSON.parse(first.payload));
    expect(byName.get("Zoë")!.job).toMatchObject({ class: "greet", id: first.id });
    expect(byName.get("third")!.job).toMatchObject({ id: many[1]!.id });
    // node-resque counts successes only, globally and under its worker name (host:pid).
    await waitFor("node counted", async () => (await redis.get(key("stat:processed"))) === "3");
    expect(await redis.get(key(`stat:processed:${node.it.name}`))).toBe("3");
    expect(await redis.llen(key("queue:tq"))).toBe(0);
    expect(await redis.llen(key("queue:tq2"))).toBe(0);
    expect(node.errors).toEqual([]);
  });

  it("lists the failure record node-resque writes for our job, retries it with our admin API, and node-resque runs it again", async () => {
    const { redis, namespace, conn, key } = setup("ts-to-node-fail");
    const client = new Client({ redis, namespace });
    const attempts: { args: unknown[]; job: { id?: string } | null }[] = [];
    const node = await startNodeWorker(namespace, ["tq"], {
      flaky: {
        perform: async function (this: NodeWorker, ...args: unknown[]) {
          attempts.push({ args, job: this.job as { id?: string } | null });
          if (attempts.length === 1) throw new RangeError("first attempt fails: a/b ü");
          return "ok";
        },
      },
    });
    cleanups.push(() => node.stop());

    const job = await client.enqueue("tq", "flaky", { n: 1, path: "a/b" });
    await waitFor("failure recorded", async () => (await redis.llen(key("failed"))) === 1);
    const page = await listFailed(conn);
    expect(page.total).toBe(1);
    const f = page.items[0]!;
    expect(f).toMatchObject({
      index: 0,
      list: "failed",
      exception: "RangeError",
      error: "first attempt fails: a/b ü",
      queue: "tq",
      worker: node.it.name,
    });
    expect(f.payload).toMatchObject({
      ok: true,
      className: "flaky",
      namedArgs: { n: 1, path: "a/b" },
      argsArray: [{ n: 1, path: "a/b" }],
      id: job.id,
    });
    expect(f.backtrace.length).toBeGreaterThan(0);
    expect(f.backtrace.every((l) => typeof l === "string")).toBe(true);
    const now = await redisNowMs(redis);
    expect(f.failedAt.zoneKnown).toBe(true);
    expect(Math.abs(f.failedAt.ms! - now)).toBeLessThan(60_000);
    // node-resque's record: its own field order, our payload JSON.parse'd and re-stringified inside.
    expect(keyOrder(f.raw)).toEqual(["worker", "queue", "payload", "exception", "error", "backtrace", "failed_at"]);
    expect(JSON.parse(rawField(f.raw, "payload")!)).toEqual(JSON.parse(job.payload));
    expect(await redis.get(key("stat:failed"))).toBe("1");
    expect(await redis.get(key(`stat:failed:${node.it.name}`))).toBe("1");

    expect(await retryFailed(conn, [f.id])).toEqual({ retried: 1, skipped: [] });
    expect(await redis.llen(key("failed"))).toBe(0);
    await waitFor("second attempt ran", () => attempts.length === 2);
    expect(attempts[1]!.args).toEqual([{ n: 1, path: "a/b" }]);
    expect(attempts[1]!.job!.id).toBe(job.id);
    await waitFor("success counted", async () => (await redis.get(key("stat:processed"))) === "1");
    expect((await listFailed(conn)).total).toBe(0);
    expect(await redis.llen(key("queue:tq"))).toBe(0);
    expect(await redis.get(key("stat:failed"))).toBe("1");
    expect(node.errors).toEqual([]);
  });
});

describe("node-resque's own failure records in our admin API", () => {
  it("lists, groups and removes them, removing exactly the addressed bytes", async () => {
    const { redis, namespace, conn, key } = setup("node-failed");
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    const node = await startNodeWorker(namespace, ["mail", "reports"], {
      boomJob: {
        perform: async (arg: { to: string }) => {
          throw new TypeError(`cannot send to ${arg.to}`);
        },
      },
      otherJob: {
        perform: async () => {
          throw new QuotaError("quota exceeded <b>ü</b>");
        },
      },
    });
    cleanups.push(() => node.stop());
    const queue = await startNodeQueue(namespace);
    cleanups.push(() => queue.stop());
    await queue.it.enqueue("mail", "boomJob", [{ to: "a/b@example.com", note: "<script>alert(1)</script>" }]);
    await waitFor("first failure", async () => (await redis.llen(key("failed"))) === 1);
    await queue.it.enqueue("mail", "boomJob", [{ to: "c@example.com" }]);
    await waitFor("second failure", async () => (await redis.llen(key("failed"))) === 2);
    await queue.it.enqueue("reports", "otherJob", [1, "two"]);
    await waitFor("third failure", async () => (await redis.llen(key("failed"))) === 3);
    await node.stop();

    const before = await redis.lrangeBuffer(key("failed"), 0, -1);
    expect(before.map((b) => keyOrder(b.toString("utf8")))).toEqual(
      Array(3).fill(["worker", "queue", "payload", "exception", "error", "backtrace", "failed_at"]),
    );

    const page = await listFailed(conn, { perPage: 10 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.index)).toEqual([2, 1, 0]);
    expect(page.items.map((i) => i.raw)).toEqual([...before].reverse().map((b) => b.toString("utf8")));
    const [other, boom2, boom1] = page.items;
    expect(boom1).toMatchObject({
      exception: "TypeError",
      error: "cannot send to a/b@example.com",
      queue: "mail",
      worker: node.it.name,
    });
    expect(boom1!.payload).toMatchObject({
      className: "boomJob",
      namedArgs: { to: "a/b@example.com", note: "<script>alert(1)</script>" },
    });
    expect(boom2).toMatchObject({ exception: "TypeError", error: "cannot send to c@example.com", queue: "mail" });
    expect(other).toMatchObject({
      exception: "QuotaError",
      error: "quota exceeded <b>ü</b>",
      queue: "reports",
      worker: node.it.name,
    });
    expect(other!.payload.argsArray).toEqual([1, "two"]);
    expect(other!.payload.namedArgs).toBeUndefined();
    for (const f of page.items) {
      expect(f.failedAt.ms).not.toBeNull();
      expect(f.backtrace.length).toBeGreaterThan(0);
    }

    expect(await groupFailed(conn)).toEqual([
      { className: "boomJob", exception: "TypeError", count: 2, sampleId: boom2!.id },
      { className: "otherJob", exception: "QuotaError", count: 1, sampleId: other!.id },
    ]);
    expect(await groupFailed(conn, { queue: "reports" })).toEqual([
      { className: "otherJob", exception: "QuotaError", count: 1, sampleId: other!.id },
    ]);
    expect((await listFailed(conn, { filter: { text: "a/b@example" } })).items.map((i) => i.id)).toEqual([boom1!.id]);

    // Remove the middle record: exactly its bytes go, the others stay byte for byte.
    expect(await removeFailed(conn, [boom2!.id])).toEqual({ removed: 1, skipped: [] });
    const after = await redis.lrangeBuffer(key("failed"), 0, -1);
    expect(after).toHaveLength(2);
    expect(after[0]!.equals(before[0]!)).toBe(true);
    expect(after[1]!.equals(before[2]!)).toBe(true);
    // The same id again is gone, and nothing else is touched.
    const again = await removeFailed(conn, [boom2!.id]);
    expect(again.removed).toBe(0);
    expect(again.skipped.map((s) => s.id)).toEqual([boom2!.id]);
    expect(await redis.llen(key("failed"))).toBe(2);
    // node-resque still reads what is left.
    expect(await queue.it.failedCount()).toBe(2);
    expect((await queue.it.failed(0, -1)).map((r) => r.error)).toEqual([
      "cannot send to a/b@example.com",
      "quota exceeded <b>ü</b>",
    ]);
    expect(await groupFailed(conn)).toEqual([
      { className: "boomJob", exception: "TypeError", count: 1, sampleId: expect.stringMatching(/^0-/) },
      { className: "otherJob", exception: "QuotaError", count: 1, sampleId: expect.stringMatching(/^1-/) },
    ]);
    expect(node.errors).toEqual([]);
    expect(queue.errors).toEqual([]);
  });
});

describe("a running node-resque worker in our listWorkers", () => {
  it("shows its id parts, current job, ping liveness and name-suffixed counters while a slow job runs", async () => {
    const { redis, namespace, conn, key } = setup("node-workers");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let markStarted!: () => void;
    const slowStarted = new Promise<void>((r) => (markStarted = r));
    const node = await startNodeWorker(namespace, ["slowq", "other"], {
      quick: { perform: async () => "done" },
      bad: {
        perform: async () => {
          throw new Error("bad job");
        },
      },
      slowJob: {
        perform: async () => {
          markStarted();
          await gate;
        },
      },
    });
    cleanups.push(async () => {
      release();
      await node.stop();
    });
    const queue = await startNodeQueue(namespace);
    cleanups.push(() => queue.stop());
    await queue.it.enqueue("slowq", "quick", [{ i: 1 }]);
    await queue.it.enqueue("slowq", "bad", [{ i: 2 }]);
    await queue.it.enqueue("slowq", "quick", [{ i: 3 }]);
    await queue.it.enqueue("slowq", "slowJob", [{ url: "https://example.com/a/b", name: "Zoë" }]);
    await slowStarted;

    const name = node.it.name;
    expect(name).toBe(`${os.hostname()}:${process.pid}`);
    const workers = await listWorkers(conn);
    expect(workers).toHaveLength(1);
    const w = workers[0]!;
    expect(w).toMatchObject({
      id: `${name}:slowq,other`,
      host: os.hostname(),
      pid: String(process.pid),
      queues: ["slowq", "other"],
      liveness: "alive",
      livenessSource: "ping",
      processed: 2,
      failed: 1,
    });
    const now = await redisNowMs(redis);
    expect(Math.abs(w.heartbeat!.ms! - now)).toBeLessThan(10_000);
    expect(Math.abs(w.started.ms! - now)).toBeLessThan(60_000);
    expect(w.job).toBeDefined();
    expect(w.job!.queue).toBe("slowq");
    expect(w.job!.runAt.zoneKnown).toBe(true);
    expect(Math.abs(w.job!.runAt.ms! - now)).toBeLessThan(60_000);
    expect(w.job!.payload).toMatchObject({
      ok: true,
      className: "slowJob",
      namedArgs: { url: "https://example.com/a/b", name: "Zoë" },
    });
    // Neither a Ruby heartbeat nor our full-id counters exist: liveness and counts come from node's keys.
    expect(await redis.hget(key("workers:heartbeat"), w.id)).toBeNull();
    expect(await redis.exists(key(`stat:processed:${w.id}`))).toBe(0);
    expect(await getStats(conn)).toMatchObject({ workers: 1, working: 1, processed: 2, failed: 1 });

    release();
    await waitFor("slow job finished", async () => (await redis.get(key(`stat:processed:${name}`))) === "3");
    await waitFor("worker idle", async () => !(await listWorkers(conn))[0]!.job);
    expect((await listWorkers(conn))[0]).toMatchObject({ id: w.id, processed: 3, failed: 1, liveness: "alive" });

    await node.stop();
    expect(await listWorkers(conn)).toEqual([]);
    expect(await redis.exists(key(`worker:ping:${name}`))).toBe(0);
    expect(node.errors).toEqual([]);
  });
});
