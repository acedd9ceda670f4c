import { afterEach, describe, expect, it } from "vitest";
import {
  BaseJob,
  Client,
  Connection,
  DoNotRetryError,
  enqueueDelayedItemNow,
  JobRegistry,
  listDelayedItems,
  listDelayedTimestamps,
  countDelayed,
  clearDelayed,
  promoteDueItems,
  removeDelayedItem,
  rescheduleDelayedItem,
  Scheduler,
  sha1Hex,
  Worker,
} from "@/lib/resque";
import { delayedFixtures, seedRaw } from "../helpers/fixtures";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(label: string) {
  const redis = testRedis();
  const namespace = testNamespace(label);
  const conn = new Connection({ redis, namespace });
  cleanups.push(() => redis.disconnect());
  return { redis, namespace, conn, k: conn.keys, key: (s: string) => `${namespace}:${s}` };
}

describe("delayed jobs: wire format", () => {
  it("enqueueAt writes resque-scheduler's three structures; removeDelayed removes every copy", async () => {
    const { redis, namespace, key } = setup("dl");
    const client = new Client({ redis, namespace });
    const at = Math.floor(Date.now() / 1000) + 3600;
    // 0.1 s before a whole second: stored at that second (rounded up, never early).
    const job = await client.enqueueAt(at - 0.1, "mail", "Common\\Job\\SendEmailJob", {
      to: "a/b@example.com",
      name: "Zoë",
    });
    const item =
      '{"class":"Common\\\\Job\\\\SendEmailJob","args":[{"to":"a/b@example.com","name":"Zoë"}],"queue":"mail"}';
    expect(job.at).toBe(at);
    expect(await redis.lrange(key(`delayed:${at}`), 0, -1)).toEqual([item]);
    expect(await redis.smembers(key(`timestamps:${item}`))).toEqual([`delayed:${at}`]);
    expect(await redis.zrange(key("delayed_queue_schedule"), "0", "-1", "WITHSCORES")).toEqual([
      String(at),
      String(at),
    ]);
    expect(await redis.exists(key("queue:mail"))).toBe(0);
    // A second copy at another time, then remove_delayed semantics.
    await client.enqueueIn(7200, "mail", "Common\\Job\\SendEmailJob", { to: "a/b@example.com", name: "Zoë" });
    expect(await redis.scard(key(`timestamps:${item}`))).toBe(2);
    expect(
      await client.removeDelayed("mail", "Common\\Job\\SendEmailJob", { to: "a/b@example.com", name: "Zoë" }),
    ).toBe(2);
    expect(await redis.exists(key(`delayed:${at}`), key(`timestamps:${item}`), key("delayed_queue_schedule"))).toBe(0);
  });

  it("a time that has passed enqueues at once; bad args and queue names store nothing", async () => {
    const { redis, namespace, key } = setup("dlpast");
    class Strict extends BaseJob<{ to: string }> {
      static names = ["Strict"];
      static schema = {
        safeParse: (v: unknown) =>
          typeof (v as { to?: unknown })?.to === "string"
            ? { success: true as const, data: v }
            : { success: false as const, error: { issues: [{ path: ["to"], message: "Required" }] } },
      };
      perform() {}
    }
    const client = new Client({ redis, namespace, registry: new JobRegistry([Strict]) });
    const job = await client.enqueueAt(new Date("2020-01-01T00:00:00Z"), "q", "Strict", { to: "x" });
    expect(job.at).toBeUndefined();
    expect(await redis.llen(key("queue:q"))).toBe(1);
    await expect(client.enqueueIn(60, "q", "Strict", {})).rejects.toThrow("Invalid args for Strict: to: Required");
    await expect(client.enqueueIn(60, "bad queue", "Strict", { to: "x" })).rejects.toThrow(/Invalid queue name/);
    await expect(client.enqueueIn(Number.NaN, "q", "Strict", { to: "x" })).rejects.toThrow(/seconds/);
    expect(await redis.exists(key("delayed_queue_schedule"))).toBe(0);
  });

  it("lists, promotes and deletes php-resque-scheduler, node-resque and resque-scheduler items by their stored bytes", async () => {
    const { redis, namespace, conn, key } = setup("dlfix");
    const { fixtures, items } = delayedFixtures();
    for (const f of fixtures) await seedRaw(redis, namespace, f);
    const stamps = [...new Set(items.map((i) => i.ts))].sort();
    const page = await listDelayedTimestamps(conn, { perPage: 100 });
    expect(page.total).toBe(stamps.length);
    expect(page.items.map((t) => t.timestamp)).toEqual(stamps);
    expect(page.items.reduce((a, t) => a + t.count, 0)).toBe(items.length);
    expect(await countDelayed(conn, 0)).toEqual({ total: items.length, due: 0, timestamps: stamps.length });
    const ruby = items.find((i) => i.source === "ruby:delayed_item")!;
    const rubyItems = await listDelayedItems(conn, ruby.ts);
    expect(rubyItems.items.map((i) => i.raw)).toEqual(items.filter((i) => i.ts === ruby.ts).map((i) => i.raw));
    expect(rubyItems.items.find((i) => i.raw.includes("positional"))!.payload.argsArray).toEqual(["positional", 2]);

    // Delete one of Ruby's two identical items: exactly one copy goes.
    await removeDelayedItem(conn, ruby.ts, ruby.raw);
    expect((await redis.lrange(key(`delayed:${ruby.ts}`), 0, -1)).filter((r) => r === ruby.raw)).toHaveLength(1);
    await expect(removeDelayedItem(conn, ruby.ts, "not there")).rejects.toThrow(/changed since it was read/);

    // Enqueue php's item now: the queued payload carries php's exact class and args bytes.
    const php = items.find((i) => i.source === "php:v1.3.6/delayed_item")!;
    await enqueueDelayedItemNow(conn, php.ts, php.raw);
    const queued = (await redis.lrange(key("queue:default"), 0, -1))[0]!;
    expect(queued).toMatch(
      /^\{"class":"Interop_OkJob","args":\[\{"to":"user@example.com","path":"a\\\/b","name":"Zo\\u00eb"\}\],"id":"[0-9a-f]{32}","queue_time":\d+(\.\d+)?\}$/,
    );
    expect(await redis.exists(key(`delayed:${php.ts}`))).toBe(0);
    expect(await redis.zscore(key("delayed_queue_schedule"), String(php.ts))).toBe(null);

    // Reschedule node's item: same bytes, new time, reverse index follows.
    const node = items.find((i) => i.source === "node:delayed_item")!;
    await rescheduleDelayedItem(conn, node.ts, node.raw, 1_900_000_000);
    expect(await redis.lrange(key("delayed:1900000000"), 0, -1)).toEqual([node.raw]);
    expect(await redis.smembers(key(`timestamps:${node.raw}`))).toEqual(["delayed:1900000000"]);

    // Promote everything that is due (all fixtures are in the past relative to 1.9e9).
    const remaining = items.length - 2;
    expect(await promoteDueItems(conn, { nowSec: 1_900_000_000, batchSize: 3 })).toBe(remaining);
    expect(await redis.exists(key("delayed_queue_schedule"))).toBe(0);
    for (const t of [...stamps, 1_900_000_000]) expect(await redis.exists(key(`delayed:${t}`))).toBe(0);
    for (const i of items) expect(await redis.exists(key(`timestamps:${i.raw}`))).toBe(0);
    const byQueue = async (q: string) => (await redis.lrange(key(`queue:${q}`), 0, -1)).map((r) => JSON.parse(r));
    const rubyQueue = await byQueue("ruby_interop");
    expect(rubyQueue.map((p) => p.args)).toEqual([[{ n: "d1" }], ["positional", 2]]);
    expect((await byQueue("php_queue"))[0].class).toBe("Interop_OkJob");
    expect((await byQueue("default")).map((p) => p.class).sort()).toEqual([
      "Interop_OkJob",
      "Interop_OkJob",
      "Interop_OkJob",
      "Interop_OkJob",
      "cleanup",
      "retryJob",
      "sendEmail",
    ]);
    // Raw bytes of node's args (unescaped slash) survive the move.
    expect(
      (await redis.lrange(key("queue:default"), 0, -1)).some((r) =>
        r.includes('"args":[{"to":"user@example.com","path":"a/b","name":"Zoë"}]'),
      ),
    ).toBe(true);
    expect(await redis.smembers(key("queues"))).toEqual(
      expect.arrayContaining(["default", "ruby_interop", "ruby_other", "php_queue"]),
    );
  });

  it("an item without a queue becomes a readable failure record instead of queue:undefined", async () => {
    const { redis, conn, key } = setup("dlbad");
    await redis
      .multi()
      .rpush(key("delayed:100"), '{"class":"X","args":[]}', "garbage")
      .zadd(key("delayed_queue_schedule"), 100, "100")
      .exec();
    expect(await promoteDueItems(conn, { nowSec: 200 })).toBe(2);
    const failed = (await redis.lrange(key("failed"), 0, -1)).map((r) => JSON.parse(r));
    expect(failed.map((f) => f.error)).toEqual(["delayed item has no queue", "delayed item is not a JSON object"]);
    expect(failed[1].payload).toBe("garbage");
    expect(await redis.exists(key("queue:undefined"), key("delayed:100"))).toBe(0);
  });

  it("clearDelayed removes every item, reverse index and the schedule", async () => {
    const { redis, namespace, conn, key } = setup("dlclear");
    const client = new Client({ redis, namespace });
    const base = Math.floor(Date.now() / 1000) + 1000;
    for (let i = 0; i < 250; i++) await client.enqueueAt(base + (i % 120), "q", "X", { i });
    expect(await clearDelayed(conn)).toBe(250);
    expect(
      await redis.exists(
        key("delayed_queue_schedule"),
        key(`delayed:${base}`),
        key(`timestamps:{"class":"X","args":[{"i":0}],"queue":"q"}`),
      ),
    ).toBe(0);
  });
});

describe("retries with backoff", () => {
  const attemptsSeen: Record<string, number[]> = {};
  class Flaky extends BaseJob<{ key: string; failTimes: number; _attempt?: number }> {
    static names = ["Flaky"];
    static retry = { attempts: 3, backoff: [1, 2] };
    perform() {
      (attemptsSeen[this.args.key] ??= []).push(Date.now());
      if ((this.args._attempt ?? 0) < this.args.failTimes) throw new Error(`attempt ${this.args._attempt ?? 0} failed`);
    }
  }
  class Patient extends BaseJob<{ key: string; _attempt?: number }> {
    static names = ["Patient"];
    static retry = { attempts: 4, backoff: [3600] };
    perform() {
      throw new Error(`451 try again later (attempt ${this.args._attempt ?? 0})`);
    }
  }
  class Permanent extends BaseJob<{ key: string }> {
    static names = ["Permanent"];
    static retry = { attempts: 5, backoff: 1 };
    perform() {
      (attemptsSeen[this.args.key] ??= []).push(Date.now());
      throw new DoNotRetryError("the address does not exist");
    }
  }

  async function run(label: string) {
    const ctx = setup(label);
    const registry = new JobRegistry([Flaky, Patient, Permanent]);
    const worker = new Worker({
      redis: ctx.redis,
      namespace: ctx.namespace,
      registry,
      queues: ["r"],
      intervalSec: 0.5,
    });
    const scheduler = new Scheduler({
      redis: ctx.redis,
      namespace: ctx.namespace,
      registry,
      tickSec: 0.2,
      id: `s-${label}`,
    });
    await worker.start();
    await scheduler.start();
    cleanups.push(
      () => worker.stop(),
      () => scheduler.stop(),
    );
    return { ...ctx, worker, client: new Client({ redis: ctx.redis, namespace: ctx.namespace, registry }) };
  }

  it("a job failing twice then succeeding under attempts: 3 ends processed with no failure record, after its backoff delays", async () => {
    const { redis, client, key } = await run("retry-ok");
    await client.enqueue("r", Flaky, { key: "ok", failTimes: 2 });
    await waitFor("third attempt", () => attemptsSeen.ok?.length === 3, 30_000);
    await waitFor("processed", async () => (await redis.get(key("stat:processed"))) === "3");
    expect(await redis.llen(key("failed"))).toBe(0);
    expect(await redis.get(key("tsq:stat:retried"))).toBe("2");
    const [t0, t1, t2] = attemptsSeen.ok!;
    // Whole-second timestamps round the due time up: at least the backoff, never earlier.
    expect(t1! - t0!).toBeGreaterThanOrEqual(900);
    expect(t2! - t1!).toBeGreaterThanOrEqual(1900);
  });

  it("a job failing 3 times lands in failed once, with its attempt count; DoNotRetry goes straight there", async () => {
    const { redis, client, key } = await run("retry-fail");
    await client.enqueue("r", Flaky, { key: "bad", failTimes: 99 });
    await client.enqueue("r", Permanent, { key: "perm" });
    await waitFor("two failure records", async () => (await redis.llen(key("failed"))) === 2, 30_000);
    const records = (await redis.lrange(key("failed"), 0, -1)).map((r) => JSON.parse(r));
    const perm = records.find((r) => r.payload.class === "Permanent")!;
    expect(perm.exception).toBe("DoNotRetry");
    expect(perm.payload.args[0]._attempt).toBeUndefined();
    expect(attemptsSeen.perm).toHaveLength(1);
    const flaky = records.find((r) => r.payload.class === "Flaky")!;
    expect(flaky.payload.args[0]._attempt).toBe(2);
    expect(flaky.error).toBe("attempt 2 failed");
    expect(attemptsSeen.bad).toHaveLength(3);
    expect(await redis.exists(key("delayed_queue_schedule"))).toBe(0);
  });

  it("a waiting retry says which try it is and why the one before failed, on the delayed lists", async () => {
    const { redis, client, key, worker, namespace } = await run("retry-note");
    await client.enqueue("r", Patient, { key: "p" });
    await waitFor("the retry scheduled", async () => (await redis.zcard(key("delayed_queue_schedule"))) === 1, 30_000);
    const conn = new Connection({ redis, namespace });
    const [ts] = (await listDelayedTimestamps(conn)).items;
    const expected = {
      attempt: 1,
      retries: 3,
      exception: "Error",
      error: "451 try again later (attempt 0)",
      worker: worker.id,
    };
    expect(ts!.first!.retry).toMatchObject(expected);
    const [item] = (await listDelayedItems(conn, ts!.timestamp)).items;
    expect(item!.retry).toMatchObject(expected);
    expect(Date.parse(item!.retry!.failedAt)).toBeGreaterThan(Date.now() - 60_000);
    // The note outlives its retry's due time, and nothing else about the item changed.
    const ttl = await redis.ttl(key(`tsq:retry:${sha1Hex(item!.raw)}`));
    expect(ttl).toBeGreaterThan(3600);
    expect(JSON.parse(item!.raw)).toEqual({ class: "Patient", args: [{ key: "p", _attempt: 1 }], queue: "r" });
  });
});
