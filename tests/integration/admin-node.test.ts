import { afterAll, describe, expect, it } from "vitest";
import {
  getStats,
  listFailed,
  listQueues,
  listWorkers,
  peekQueue,
  pruneWorker,
  rawField,
  retryFailed,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadEntries, makeConn, nsKey, redisNowMs, seed, seedRaw } from "../helpers/fixtures";

const node = loadEntries("node-resque");
const redis = testRedis();
afterAll(() => redis.disconnect());

const QUEUED = [
  "queued_payload_args_slash_unicode_nested",
  "queued_payload_args_empty_object",
  "queued_payload_no_args",
  "queued_payload_positional_args",
  "queued_payload_namespaced_class",
];
const FAILED = ["failed_error", "retry_exhausted_failed_record", "force_clean_failed_record"];

describe("node-resque fixtures in the admin API", () => {
  it("lists node payloads (no queue_time, so no latency) with every args shape", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, [...QUEUED, "queues_set_member"]);
    expect(await listQueues(conn)).toEqual([{ name: "fixtures", size: 5, latencySec: null, paused: false }]);
    const page = await peekQueue(conn, "fixtures", { perPage: 10 });
    expect(page.items.map((i) => i.raw)).toEqual(QUEUED.map((n) => node[n]!.raw));
    const [nested, emptyObj, none, positional, namespaced] = page.items.map((i) => i.payload);
    expect(nested!.namedArgs).toMatchObject({
      url: "https://example.com/a/b?x=1&y=2",
      name: "Zoë Ünïcode – 日本語 😀",
      nested: { empty: {} },
    });
    expect(emptyObj!.namedArgs).toEqual({});
    expect(none!.argsArray).toEqual([]);
    expect(none!.namedArgs).toBeUndefined();
    expect(positional!.argsArray).toEqual([1, "two", { three: 3 }, null]);
    expect(positional!.namedArgs).toBeUndefined();
    expect(namespaced!.className).toBe("Common\\Job\\SendEmailJob");
    expect(nested!.queueTimeMs).toBeUndefined();
  });

  it("reads the cjson worker record, epoch-seconds start, ping liveness and name-suffixed counters", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, [
      "workers_set_member",
      "worker_current_job",
      "worker_started",
      "worker_ping",
      "stat_processed_worker",
      "stat_failed_worker",
    ]);
    const now = await redisNowMs(redis);
    const [w] = await listWorkers(conn);
    const pingMs = JSON.parse(node.worker_ping!.raw).time * 1000;
    expect(w).toMatchObject({
      id: "vm:15176:critical,default",
      host: "vm",
      pid: "15176",
      queues: ["critical", "default"],
      processed: 2,
      failed: 1,
      livenessSource: "ping",
    });
    expect(w!.liveness).toBe(now - pingMs <= 300_000 ? "alive" : "dead");
    expect(w!.heartbeat!.ms).toBe(pingMs);
    expect(w!.started.ms).toBe(Number(node.worker_started!.raw) * 1000);
    expect(w!.job!.queue).toBe("default");
    expect(w!.job!.runAt).toMatchObject({ ms: Date.UTC(2026, 10, 29, 1, 42, 56), zoneKnown: true });
    expect(w!.job!.payload.className).toBe("slowJob");
    expect(w!.job!.payload.namedArgs).toMatchObject({
      url: "https://example.com/a/b",
      big: 1.2345678901235e19,
      tags: {},
      name: "Zoë 😀",
    });

    // A ping from the Redis clock's present makes it alive.
    await redis.set(
      nsKey(ns, node.worker_ping!.key),
      JSON.stringify({ time: Math.floor(now / 1000), name: "vm:15176", queues: "critical,default" }),
    );
    expect((await listWorkers(conn))[0]!.liveness).toBe("alive");
  });

  it("shows cjson's {} args as no args and prunes that worker with the exact cjson payload bytes", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, [
      "workers_set_member",
      "worker_current_job_no_args",
      "worker_started",
      "worker_ping",
      "stat_processed_worker",
      "stat_failed_worker",
    ]);
    const [w] = await listWorkers(conn);
    expect(w!.job!.payload.className).toBe("slowNoArgs");
    expect(w!.job!.payload.argsArray).toEqual([]);
    expect(await pruneWorker(conn, w!.id)).toMatchObject({ job: "failed" });
    const [record] = await redis.lrange(`${ns}:failed`, 0, -1);
    expect(rawField(record!, "payload")).toBe('{"class":"slowNoArgs","args":{},"queue":"default"}');
    expect(JSON.parse(record!)).toMatchObject({ exception: "Resque::DirtyExit", queue: "default", worker: w!.id });
    // node-resque's untrack removes the ping under the name; so does the R sequence we run.
    expect(await redis.exists(nsKey(ns, node.worker_ping!.key))).toBe(0);
  });

  it("lists node failure records (fields in node's order, JS dates, force-clean record)", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, FAILED);
    const { items, total } = await listFailed(conn);
    expect(total).toBe(3);
    const [forced, exhausted, plain] = items;
    expect(forced).toMatchObject({
      index: 2,
      exception: "Worker Timeout (killed manually)",
      worker: "vm:15414",
      queue: "stuck",
    });
    expect(forced!.backtrace).toEqual([
      "killed by vm at Sun Nov 29 2026 01:43:07 GMT+0000 (Coordinated Universal Time)",
      "queue#forceCleanWorker",
      "node-resque",
    ]);
    expect(forced!.failedAt).toMatchObject({ ms: Date.UTC(2026, 10, 29, 1, 43, 7), zoneKnown: true });
    expect(forced!.payload.namedArgs).toEqual({ ms: 60000, path: "a/b" });
    expect(exhausted!.payload.className).toBe("retryJob");
    expect(plain).toMatchObject({ exception: "Error", error: "boom: a/b ü", worker: "vm:15176" });
    expect(plain!.backtrace).toHaveLength(4);
  });

  it("retries and removes every node failure record, pushing each payload's exact bytes", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, FAILED);
    const ids = (await listFailed(conn)).items.map((i) => i.id);
    expect(await retryFailed(conn, ids)).toEqual({ retried: 3, skipped: [] });
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
    // node payloads have no queue_time, so the bytes are unchanged; oldest failure first.
    expect(await redis.lrange(`${ns}:queue:default`, 0, -1)).toEqual([
      rawField(node.failed_error!.raw, "payload"),
      rawField(node.retry_exhausted_failed_record!.raw, "payload"),
    ]);
    expect(await redis.lrange(`${ns}:queue:stuck`, 0, -1)).toEqual([
      '{"class":"stuckJob","args":[{"ms":60000,"path":"a/b"}],"queue":"stuck"}',
    ]);
    expect((await redis.smembers(`${ns}:queues`)).sort()).toEqual(["default", "stuck"]);
  });

  it("tolerates the Retry plugin's record shape (bare args payload, zone-less date) and refuses to retry it", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    // The plugin keeps this record in its own string key; put it into `failed` to check the reader.
    await seedRaw(redis, ns, { key: "resque:failed", type: "list", raw: node.retry_failure_record!.raw });
    const [job] = (await listFailed(conn)).items;
    expect(job!.payload.ok).toBe(false);
    expect(job!.payload.argsArray).toEqual([{ msg: "hello world", n: 1 }]);
    expect(job!.failedAt).toMatchObject({ ms: Date.UTC(2026, 10, 29, 1, 43, 3), zoneKnown: false });
    const res = await retryFailed(conn, [job!.id]);
    expect(res.retried).toBe(0);
    expect(res.skipped).toEqual([
      { id: job!.id, code: "not_requeueable", reason: expect.stringContaining("bare args array") },
    ]);
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([node.retry_failure_record!.raw]);
  });

  it("reports node's stats (processed excludes failures there)", async () => {
    const ns = testNamespace("node");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, node, [
      "stat_processed",
      "stat_failed",
      "failed_error",
      "workers_set_member",
      "worker_current_job",
      ...QUEUED,
      "queues_set_member",
    ]);
    expect(await getStats(conn)).toMatchObject({
      processed: 2,
      failed: 1,
      failedListLength: 1,
      queues: 1,
      pending: 5,
      workers: 1,
      working: 1,
    });
  });
});
