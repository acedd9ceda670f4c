import { afterAll, describe, expect, it } from "vitest";
import {
  getStats,
  listFailed,
  listQueues,
  listWorkers,
  listWorking,
  peekQueue,
  pruneWorker,
  rawField,
  removeQueuedJob,
  replaceRawField,
  retryFailed,
  sha1Hex,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadEntries, makeConn, nsKey, redisNowMs, seed } from "../helpers/fixtures";

const php = loadEntries("php-resque");
const redis = testRedis();
afterAll(() => redis.disconnect());

const QUEUED = [
  "queued_payload_args_slash_unicode_nested",
  "queued_payload_args_empty_object",
  "queued_payload_no_args",
  "queued_payload_namespaced_class",
  "queued_payload_status_tracked",
];
const withoutQueueTime = (s: string) => s.replace(/"queue_time":[0-9.]+/, '"queue_time":X');

describe.each(["v1.3.6", "develop"])("php-resque %s fixtures in the admin API", (v) => {
  const f = (n: string) => php[`${v}/${n}`]!;
  const names = (ns: string[]) => ns.map((n) => `${v}/${n}`);

  it("lists the queue with size and latency from php's queue_time, and pages it byte for byte", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, names([...QUEUED, "queues_set_member"]));
    const now = await redisNowMs(redis);
    const [q] = await listQueues(conn);
    expect(q).toMatchObject({ name: "fixtures", size: 5, paused: false });
    const headQueuedMs = JSON.parse(f(QUEUED[0]!).raw).queue_time * 1000;
    expect(q!.latencySec).toBeCloseTo((now - headQueuedMs) / 1000, 0);

    const page1 = await peekQueue(conn, "fixtures", { page: 0, perPage: 2 });
    expect(page1).toMatchObject({ page: 1, perPage: 2, total: 5 });
    const [nested, empty] = page1.items;
    expect(nested!.raw).toBe(f(QUEUED[0]!).raw);
    expect(nested!.raw).toContain("https:\\/\\/example.com");
    expect(nested!.payload.className).toBe("Interop_OkJob");
    expect(nested!.payload.namedArgs).toMatchObject({
      url: "https://example.com/a/b?x=1&y=2",
      name: "Zoë Ünïcode – 日本語 😀",
      nested: { user: { id: 42, tags: ["a", "b"] }, empty: [] },
    });
    expect(nested!.payload.id).toBe(JSON.parse(f(QUEUED[0]!).raw).id);
    expect(empty!.payload.namedArgs).toEqual({});

    const page2 = await peekQueue(conn, "fixtures", { page: 2, perPage: 2 });
    expect(page2.items.map((i) => i.index)).toEqual([2, 3]);
    expect(page2.items[0]!.payload.argsArray).toEqual([null]);
    expect(page2.items[1]!.payload.className).toBe("Common\\Job\\SendEmailJob");
    const page3 = await peekQueue(conn, "fixtures", { page: 3, perPage: 2 });
    expect(page3.items.map((i) => i.index)).toEqual([4]);

    expect(await removeQueuedJob(conn, "fixtures", page2.items[0]!.raw)).toBe(true);
    expect(await removeQueuedJob(conn, "fixtures", page2.items[0]!.raw)).toBe(false);
    const left = await redis.lrange(nsKey(ns, f(QUEUED[0]!).key), 0, 10);
    expect(left).toEqual([0, 1, 3, 4].map((i) => f(QUEUED[i]!).raw));
  });

  it("shows failure records newest first with php dates, exceptions and backtraces", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, names(["failed_exception", "failed_dirty_exit"]));
    const page = await listFailed(conn);
    expect(page.total).toBe(2);
    const [dirty, exc] = page.items;
    expect(dirty!.index).toBe(1);
    expect(dirty!.id).toBe(`1-${sha1Hex(f("failed_dirty_exit").raw).slice(0, 16)}`);
    expect(dirty!.raw).toBe(f("failed_dirty_exit").raw);
    expect(dirty!.exception).toBe(
      v === "develop" ? "Resque\\Exceptions\\DirtyExitException" : "Resque_Job_DirtyExitException",
    );
    expect(dirty!.error).toBe("Job exited with exit code 3");
    expect(dirty!.worker).toMatch(/^vm:\d+:critical,default$/);
    expect(dirty!.queue).toBe("default");
    expect(dirty!.payload.className).toBe("Interop_ExitJob");
    expect(dirty!.payload.namedArgs).toEqual({ code: 3 });
    expect(dirty!.retriedAt).toBeUndefined();
    const failedAt = new Date(JSON.parse(f("failed_dirty_exit").raw).failed_at).getTime();
    expect(dirty!.failedAt).toMatchObject({ ms: failedAt, zoneKnown: true });
    expect(exc!.exception).toBe("Exception");
    expect(exc!.backtrace[0]).toMatch(/^#0 \/srv\/app\/vendor\/resque\/php-resque\/lib\//);
    expect(exc!.backtrace.at(-1)).toMatch(/^#\d+ \{main\}$/);
  });

  it("retries a php failure by pushing its payload bytes back and removing exactly that record", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, names(["failed_exception", "failed_dirty_exit"]));
    const failedKey = nsKey(ns, f("failed_exception").key);
    const [, exc] = (await listFailed(conn)).items;
    const before = Date.now() / 1000;
    const res = await retryFailed(conn, [exc!.id]);
    expect(res).toEqual({ retried: 1, skipped: [] });
    const pushed = await redis.lrange(`${ns}:queue:default`, 0, -1);
    const original = rawField(f("failed_exception").raw, "payload")!;
    expect(pushed).toHaveLength(1);
    expect(withoutQueueTime(pushed[0]!)).toBe(withoutQueueTime(original));
    expect(JSON.parse(pushed[0]!).queue_time).toBeGreaterThanOrEqual(Math.floor(before));
    expect(JSON.parse(pushed[0]!).id).toBe(JSON.parse(original).id);
    expect(await redis.lrange(failedKey, 0, -1)).toEqual([f("failed_dirty_exit").raw]);
    expect(await redis.sismember(`${ns}:queues`, "default")).toBe(1);
    expect(await redis.lrange(`${ns}:tsq:wake:default`, 0, -1)).toEqual(["1"]);
  });

  it("keeps php's \\/ and \\uXXXX escapes of a payload byte for byte on retry", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    // A php failure record around the php queued payload with slashes, accents and an emoji,
    // composed from fixture bytes only.
    const queued = f(QUEUED[0]!).raw;
    const record = replaceRawField(f("failed_exception").raw, "payload", queued);
    await redis.rpush(`${ns}:failed`, record);
    const [job] = (await listFailed(conn)).items;
    expect(job!.payload.namedArgs?.name).toBe("Zoë Ünïcode – 日本語 😀");
    expect(await retryFailed(conn, [job!.id])).toEqual({ retried: 1, skipped: [] });
    const [pushed] = await redis.lrange(`${ns}:queue:default`, 0, -1);
    expect(withoutQueueTime(pushed!)).toBe(withoutQueueTime(queued));
    expect(pushed).toContain('"url":"https:\\/\\/example.com\\/a\\/b?x=1&y=2"');
    expect(pushed).toContain("Zo\\u00eb \\u00dcn\\u00efcode \\u2013 \\u65e5\\u672c\\u8a9e \\ud83d\\ude00");
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
  });

  it("shows a php worker with its job, dates and counters, liveness unknown, and prunes it into a DirtyExit record", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    await seed(
      redis,
      ns,
      php,
      names([
        "workers_set_member",
        "worker_current_job",
        "worker_started",
        "stat_processed_worker",
        "stat_failed_worker",
      ]),
    );
    const [w] = await listWorkers(conn);
    const id = f("workers_set_member").raw;
    const runAtMs = new Date(JSON.parse(f("worker_current_job").raw).run_at).getTime();
    expect(w).toMatchObject({
      id,
      host: "vm",
      queues: ["critical", "default"],
      liveness: "unknown",
      processed: 3,
      failed: 2,
    });
    expect(w!.pid).toBe(id.split(":")[1]);
    expect(w!.heartbeat).toBeUndefined();
    expect(w!.started).toMatchObject({ ms: new Date(f("worker_started").raw).getTime(), zoneKnown: true });
    expect(w!.job!.queue).toBe("default");
    expect(w!.job!.runAt.ms).toBe(runAtMs);
    expect(w!.job!.payload.className).toBe("Interop_SleepJob");
    expect(w!.job!.payload.namedArgs).toEqual({ seconds: 4 });
    expect((await listWorking(conn)).map((x) => x.id)).toEqual([id]);

    expect(await pruneWorker(conn, id)).toMatchObject({ job: "failed", className: "Interop_SleepJob" });
    const [record] = await redis.lrange(`${ns}:failed`, 0, -1);
    expect(rawField(record!, "payload")).toBe(rawField(f("worker_current_job").raw, "payload"));
    expect(JSON.parse(record!)).toMatchObject({
      exception: "Resque::DirtyExit",
      worker: id,
      queue: "default",
      backtrace: [],
    });
    expect(await redis.sismember(`${ns}:workers`, id)).toBe(0);
    expect(
      await redis.exists(
        `${ns}:worker:${id}`,
        `${ns}:worker:${id}:started`,
        `${ns}:stat:processed:${id}`,
        `${ns}:stat:failed:${id}`,
      ),
    ).toBe(0);
    expect(await redis.get(`${ns}:stat:failed`)).toBe("1");
    expect(await listWorkers(conn)).toEqual([]);
  });

  it("sums the overview stats (processed counts php's failures too)", async () => {
    const ns = testNamespace("php");
    const conn = makeConn(redis, ns);
    await seed(
      redis,
      ns,
      php,
      names([
        ...QUEUED,
        "queues_set_member",
        "failed_exception",
        "failed_dirty_exit",
        "stat_processed",
        "stat_failed",
        "workers_set_member",
        "worker_current_job",
      ]),
    );
    const stats = await getStats(conn);
    expect(stats).toMatchObject({
      processed: 3,
      failed: 2,
      failedListLength: 2,
      queues: 1,
      pending: 5,
      workers: 1,
      working: 1,
    });
    expect(Math.abs(stats.redisTimeMs - Date.now())).toBeLessThan(60_000);
  });
});
