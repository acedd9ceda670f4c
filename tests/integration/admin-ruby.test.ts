import { afterAll, describe, expect, it } from "vitest";
import {
  clearRetriedFailed,
  getStats,
  groupFailed,
  listFailed,
  listFailedLists,
  listWorkers,
  peekQueue,
  pruneWorker,
  rawField,
  retryFailed,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadRuby, makeConn, nsKey, redisNowMs, seedRaw } from "../helpers/fixtures";

const rb = loadRuby();
const redis = testRedis();
afterAll(() => redis.disconnect());

const FAILED = [
  "failed_record",
  "failed_record_retried",
  "failed_record_dirty_exit_signal",
  "failed_record_local_zone",
  "failed_record_pruned_stale_heartbeat",
  "failed_record_pruned_same_host",
  "failed_record_term_while_working",
];

async function seedFailed(ns: string, names = FAILED) {
  for (const n of names) await seedRaw(redis, ns, { key: "resque:failed", type: "list", raw: rb[n]! });
}

async function seedWorkers(ns: string) {
  const id = rb.worker_id!;
  const id2 = rb.worker_id_two_queues!;
  await seedRaw(redis, ns, { key: "resque:workers", type: "set", raw: id });
  await seedRaw(redis, ns, { key: "resque:workers", type: "set", raw: id2 });
  await seedRaw(redis, ns, { key: rb.worker_key!, type: "string", raw: rb.worker_current_job! });
  await seedRaw(redis, ns, { key: rb.worker_started_key!, type: "string", raw: rb.worker_started! });
  await seedRaw(redis, ns, { key: `resque:worker:${id2}:started`, type: "string", raw: rb.worker_started_local_zone! });
  await redis.hset(
    nsKey(ns, rb.heartbeat_key!),
    rb.heartbeat_field!,
    rb.heartbeat_value!,
    id2,
    rb.heartbeat_value_local_zone!,
  );
}

describe("Ruby resque fixtures in the admin API", () => {
  it("pages Ruby payloads (Oj floats, raw UTF-8, control characters) unchanged", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    const names = [
      "queued_payload",
      "queued_payload_positional_args",
      "queued_payload_no_args",
      "queued_payload_namespaced_class",
    ];
    for (const n of names) await seedRaw(redis, ns, { key: "resque:queue:ruby_interop", type: "list", raw: rb[n]! });
    const page = await peekQueue(conn, "ruby_interop");
    expect(page.items.map((i) => i.raw)).toEqual(names.map((n) => rb[n]));
    const [full, positional, none, namespaced] = page.items.map((i) => i.payload);
    expect(full!.className).toBe("RubyInterop::OkJob");
    expect(full!.namedArgs).toMatchObject({
      s: JSON.parse(rb.queued_payload!).args[0].s,
      e: 1e20,
      eh: {},
      empty: [],
      nil: null,
    });
    expect(full!.namedArgs!.s).toMatch(/^a\/b ü 中 😀 <&> "q" \\/);
    expect(positional!.argsArray).toEqual(["x", 2, null, 1.5, { k: [] }]);
    expect(none!.argsArray).toEqual([]);
    expect(namespaced!.className).toBe("Interop\\OkJob");
  });

  it("shows retried_at, local-zone dates and Ruby exception names", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedFailed(ns);
    const { items } = await listFailed(conn, { perPage: 50 });
    const byRaw = new Map(items.map((i) => [i.raw, i]));
    const retried = byRaw.get(rb.failed_record_retried!)!;
    expect(retried.retriedAt).toMatchObject({ ms: Date.UTC(2026, 10, 29, 1, 44, 59), zoneKnown: true });
    expect(retried.failedAt.ms).toBe(Date.UTC(2026, 10, 29, 1, 44, 58));
    expect(byRaw.get(rb.failed_record!)!.retriedAt).toBeUndefined();
    // "CST" is ambiguous (Asia/Shanghai wrote it): wall clock kept, zone flagged unknown.
    expect(byRaw.get(rb.failed_record_local_zone!)!.failedAt).toMatchObject({
      ms: Date.UTC(2026, 10, 29, 9, 45, 2),
      zoneKnown: false,
      raw: "2026/11/29 09:45:02 CST",
    });
    const pruned = byRaw.get(rb.failed_record_pruned_stale_heartbeat!)!;
    expect(pruned).toMatchObject({
      exception: "Resque::PruneDeadWorkerDirtyExit",
      worker: "otherhost:4242:other_queue",
      queue: "ruby_prune",
      backtrace: [],
    });
    expect(items.map((i) => i.index)).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it("filters and groups failures server-side", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedFailed(ns);
    const dirty = await listFailed(conn, { filter: { exception: "Resque::DirtyExit" } });
    expect(dirty.total).toBe(3);
    expect(dirty.items.map((i) => i.raw)).toEqual([
      rb.failed_record_term_while_working,
      rb.failed_record_pruned_same_host,
      rb.failed_record_dirty_exit_signal,
    ]);
    expect((await listFailed(conn, { filter: { text: "GHOST" } })).total).toBe(2);
    expect((await listFailed(conn, { filter: { queue: "ruby_tz" } })).items.map((i) => i.raw)).toEqual([
      rb.failed_record_local_zone,
    ]);
    expect(
      (await listFailed(conn, { filter: { class: "RubyInterop::SleepJob", exception: "Resque::DirtyExit" } })).total,
    ).toBe(1);
    const page2 = await listFailed(conn, { filter: { class: "RubyInterop::FailJob" }, page: 2, perPage: 2 });
    expect(page2).toMatchObject({ page: 2, total: 3 });
    expect(page2.items.map((i) => i.raw)).toEqual([rb.failed_record]);

    const groups = await groupFailed(conn);
    expect(groups[0]).toMatchObject({ className: "RubyInterop::FailJob", exception: "RuntimeError", count: 3 });
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(7);
    const sample = (await listFailed(conn, { perPage: 50 })).items.find((i) => i.id === groups[0]!.sampleId);
    expect(sample!.raw).toBe(rb.failed_record_local_zone);
  });

  it("retries a Ruby failure to exactly the payload Ruby itself requeues", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedFailed(ns, ["failed_record", "failed_record_dirty_exit_signal"]);
    const job = (await listFailed(conn)).items.find((i) => i.raw === rb.failed_record)!;
    expect(await retryFailed(conn, [job.id])).toEqual({ retried: 1, skipped: [] });
    expect(await redis.lrange(`${ns}:queue:ruby_interop`, 0, -1)).toEqual([rb.requeued_payload_after_retry]);
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([rb.failed_record_dirty_exit_signal]);
  });

  it("retry-and-keep writes retried_at the way Ruby does, and 'clear retried' removes only such records", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedFailed(ns, ["failed_record", "failed_record_dirty_exit_signal"]);
    const job = (await listFailed(conn)).items.find((i) => i.raw === rb.failed_record)!;
    expect(await retryFailed(conn, [job.id], { remove: false })).toEqual({ retried: 1, skipped: [] });
    const [kept, other] = await redis.lrange(`${ns}:failed`, 0, -1);
    const stamp = (s: string) => s.replace(/"retried_at":"[^"]*"/, '"retried_at":"T"');
    expect(stamp(kept!)).toBe(stamp(rb.failed_record_retried!));
    expect(other).toBe(rb.failed_record_dirty_exit_signal);
    expect(await redis.lrange(`${ns}:queue:ruby_interop`, 0, -1)).toEqual([rb.requeued_payload_after_retry]);
    const view = (await listFailed(conn)).items.find((i) => i.index === 0)!;
    expect(view.retriedAt!.ms).not.toBeNull();

    expect(await clearRetriedFailed(conn)).toEqual({ removed: 1, skipped: [] });
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([rb.failed_record_dirty_exit_signal]);
  });

  it("reads Ruby's multi-queue failure lists when failed_queues exists", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedFailed(ns, ["failed_record_dirty_exit_signal"]);
    await redis.sadd(`${ns}:failed_queues`, "ruby_interop_failed");
    await redis.rpush(`${ns}:ruby_interop_failed`, rb.failed_record!);
    expect(await listFailedLists(conn)).toEqual([
      { name: "failed", size: 1 },
      { name: "ruby_interop_failed", size: 1 },
    ]);
    const [job] = (await listFailed(conn, { list: "ruby_interop_failed" })).items;
    expect(job).toMatchObject({ list: "ruby_interop_failed", raw: rb.failed_record });
    expect(await retryFailed(conn, [job!.id], { list: "ruby_interop_failed" })).toEqual({ retried: 1, skipped: [] });
    expect(await redis.llen(`${ns}:ruby_interop_failed`)).toBe(0);
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([rb.failed_record_dirty_exit_signal]);
    await expect(listFailed(conn, { list: "queues" })).rejects.toMatchObject({ name: "InvalidFailedList" });
  });

  it("shows Ruby workers with heartbeat liveness, Time#to_s dates in any zone, and odd ids", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedWorkers(ns);
    await redis.sadd(`${ns}:workers`, "lonely", "host:77");
    const now = await redisNowMs(redis);
    const workers = await listWorkers(conn);
    const byId = new Map(workers.map((w) => [w.id, w]));
    const slow = byId.get(rb.worker_id!)!;
    const beatMs = Date.UTC(2026, 10, 29, 1, 45, 3);
    expect(slow).toMatchObject({
      host: "vm",
      queues: ["ruby_slow"],
      livenessSource: "heartbeat",
      liveness: now - beatMs <= 300_000 ? "alive" : "dead",
    });
    expect(slow.started).toMatchObject({ ms: beatMs, zoneKnown: true });
    expect(slow.heartbeat!.ms).toBe(beatMs);
    expect(slow.job).toMatchObject({ queue: "ruby_slow", runAt: { ms: Date.UTC(2026, 10, 29, 1, 45, 4) } });
    expect(slow.job!.payload.namedArgs).toEqual({ seconds: 30, out: "slow.jsonl" });
    const idle = byId.get(rb.worker_id_two_queues!)!;
    expect(idle.queues).toEqual(["ruby_idle", "ruby_spare"]);
    expect(idle.job).toBeUndefined();
    expect(idle.started.ms).toBe(beatMs); // 09:45:03 +0800
    expect(idle.heartbeat!.ms).toBe(beatMs);
    expect(byId.get("lonely")).toMatchObject({ host: "lonely", pid: "", queues: [], liveness: "unknown" });
    expect(byId.get("host:77")).toMatchObject({ host: "host", pid: "77", queues: [] });

    await redis.hset(`${ns}:workers:heartbeat`, rb.worker_id!, new Date(now).toISOString());
    expect((await listWorkers(conn)).find((w) => w.id === rb.worker_id)!.liveness).toBe("alive");
  });

  it("prunes a dead Ruby worker into the same DirtyExit record Ruby writes", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedWorkers(ns);
    expect(await pruneWorker(conn, rb.worker_id!)).toMatchObject({ job: "failed" });
    const [record] = await redis.lrange(`${ns}:failed`, 0, -1);
    // Ruby's own record for this very job (TERM while working) embeds the same payload bytes.
    expect(rawField(record!, "payload")).toBe(rawField(rb.failed_record_term_while_working!, "payload"));
    const parsed = JSON.parse(record!);
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(rb.failed_record_term_while_working!)));
    expect(parsed).toMatchObject({
      exception: "Resque::DirtyExit",
      worker: rb.worker_id,
      queue: "ruby_slow",
      backtrace: [],
    });
    expect(await redis.hexists(nsKey(ns, rb.heartbeat_key!), rb.worker_id!)).toBe(0);
    expect(await redis.exists(nsKey(ns, rb.worker_key!), nsKey(ns, rb.worker_started_key!))).toBe(0);
    expect((await listWorkers(conn)).map((w) => w.id)).toEqual([rb.worker_id_two_queues]);
  });

  it("reports Ruby's stats", async () => {
    const ns = testNamespace("ruby");
    const conn = makeConn(redis, ns);
    await seedRaw(redis, ns, {
      key: "resque:stat:processed",
      type: "string",
      raw: rb.stat_processed_after_3_ok_1_failed!,
    });
    await seedRaw(redis, ns, { key: "resque:stat:failed", type: "string", raw: rb.stat_failed_after_3_ok_1_failed! });
    await seedFailed(ns, ["failed_record"]);
    await seedWorkers(ns);
    expect(await getStats(conn)).toMatchObject({
      processed: 4,
      failed: 1,
      failedListLength: 1,
      queues: 0,
      pending: 0,
      workers: 2,
      working: 1,
    });
  });
});
