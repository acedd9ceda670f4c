import { afterAll, describe, expect, it } from "vitest";
import {
  appendRawField,
  clearFailed,
  getFailed,
  groupFailed,
  listFailed,
  removeAllFailed,
  removeFailed,
  retryAllFailed,
  retryFailed,
  sha1Hex,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import type { Redis } from "ioredis";
import { loadEntries, loadRuby, makeConn, seedRaw } from "../helpers/fixtures";

const php = loadEntries("php-resque");
const node = loadEntries("node-resque");
const rb = loadRuby();
const redis = testRedis();
afterAll(() => redis.disconnect());

/** Five records from three implementations, oldest first. */
const MIXED = [
  php["v1.3.6/failed_exception"]!.raw,
  node.failed_error!.raw,
  rb.failed_record!,
  php["develop/failed_dirty_exit"]!.raw,
  node.force_clean_failed_record!.raw,
];

async function seedMixed(ns: string, records = MIXED) {
  for (const raw of records) await seedRaw(redis, ns, { key: "resque:failed", type: "list", raw });
}

const idAt = async (conn: ReturnType<typeof makeConn>, index: number) =>
  (await listFailed(conn, { perPage: 100 })).items.find((i) => i.index === index)!.id;

describe("failure ids survive index shifts and refuse stale records", () => {
  it("removes the right record after an earlier record was removed (index shift)", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns);
    const ids = (await listFailed(conn)).items.map((i) => i.id); // newest first: indexes 4..0
    expect(await removeFailed(conn, [ids[3]!])).toEqual({ removed: 1, skipped: [] }); // index 1
    // ids[1] still says index 3; that record now sits at 2.
    expect(await removeFailed(conn, [ids[1]!])).toEqual({ removed: 1, skipped: [] });
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([MIXED[0], MIXED[2], MIXED[4]]);
    // getFailed follows a shifted record too, and reports its new index.
    const moved = await getFailed(conn, ids[0]!);
    expect(moved).toMatchObject({ index: 2, raw: MIXED[4] });
    expect(moved!.id).not.toBe(ids[0]);
    expect(await getFailed(conn, ids[3]!)).toBeNull();
  });

  it("skips a stale id (record changed since listed) with a reason and changes nothing", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns);
    const staleId = await idAt(conn, 2);
    const changed = appendRawField(MIXED[2]!, "retried_at", '"2026/11/29 02:00:00 UTC"');
    await redis.lset(`${ns}:failed`, 2, changed);
    const before = await redis.lrange(`${ns}:failed`, 0, -1);
    for (const act of [() => removeFailed(conn, [staleId]), () => retryFailed(conn, [staleId])]) {
      const res = await act();
      expect(Object.values(res)[0]).toBe(0);
      expect(res.skipped).toEqual([
        { id: staleId, code: "stale", reason: expect.stringMatching(/changed or was removed/) },
      ]);
      expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual(before);
    }
    expect(await redis.exists(`${ns}:queue:ruby_interop`, `${ns}:queues`)).toBe(0);
    expect(await getFailed(conn, staleId)).toBeNull();
  });

  it("acts on several ids at once, ignoring junk and duplicate ids", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns);
    const [i4, , i2, , i0] = (await listFailed(conn)).items.map((i) => i.id);
    const res = await removeFailed(conn, [i0!, i2!, i4!, i2!, "7", "0-zz"]);
    expect(res.removed).toBe(3);
    expect(res.skipped).toEqual([
      { id: "7", code: "bad_id", reason: "not a failed-job id" },
      { id: "0-zz", code: "bad_id", reason: "not a failed-job id" },
    ]);
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([MIXED[1], MIXED[3]]);
  });

  it("the Lua step itself refuses a record whose digest does not match", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns);
    const key = `${ns}:failed`;
    const status = await conn.run<number[]>(
      "failed-act",
      [key, `${ns}:queues`],
      ["remove", "__sentinel__", "1", sha1Hex(MIXED[2]!), "", "", ""],
    );
    expect(status).toEqual([0]);
    expect(await redis.lrange(key, 0, -1)).toEqual(MIXED);
  });

  it("removes byte-identical duplicates one id at a time", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns, [MIXED[0]!, MIXED[0]!, MIXED[1]!]);
    const ids = (await listFailed(conn)).items.map((i) => i.id);
    expect(ids[1]).not.toBe(ids[2]);
    expect(await removeFailed(conn, [ids[2]!])).toMatchObject({ removed: 1 });
    expect(await removeFailed(conn, [ids[1]!])).toMatchObject({ removed: 1 }); // relocated from 1 to 0
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([MIXED[1]]);
  });

  it("removes a record that is not valid UTF-8 (digest over bytes) but will not retry it", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await redis.rpush(`${ns}:failed`, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), MIXED[0]!);
    const [, bad] = (await listFailed(conn)).items;
    expect(bad!.parseError).toBeDefined();
    const retry = await retryFailed(conn, [bad!.id]);
    expect(retry.skipped[0]!.reason).toMatch(/UTF-8/);
    expect(retry.skipped[0]!.code).toBe("not_utf8");
    expect(await removeFailed(conn, [bad!.id])).toEqual({ removed: 1, skipped: [] });
    expect(await redis.lrange(`${ns}:failed`, 0, -1)).toEqual([MIXED[0]]);
  });
  it("retries a record too deep to decode by its stored payload bytes, listed as unreadable", async () => {
    // Ruby's shape with args 200,000 levels deep: past every decoder's limit, still JSON.
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    const payload = `{"class":"Deep","args":${"[".repeat(200_000)}${"]".repeat(200_000)},"id":"d1"}`;
    const record = `{"failed_at":"2026/11/29 10:00:00 UTC","payload":${payload},"exception":"E","error":"x","backtrace":[],"worker":"h:1:deep","queue":"deep"}`;
    await redis.rpush(`${ns}:failed`, record);
    const [item] = (await listFailed(conn)).items;
    expect(item!.parseError).toBeDefined();
    expect(await retryFailed(conn, [item!.id])).toMatchObject({ retried: 1, skipped: [] });
    expect(await redis.lrange(`${ns}:queue:deep`, 0, -1)).toEqual([payload]);
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
  });
});

describe("failure pages and bulk actions over long lists", () => {
  it("pages newest first with the right list indexes", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns, Array.from({ length: 6 }, () => MIXED).flat()); // 30 records
    const p1 = await listFailed(conn, { page: 1, perPage: 25 });
    expect(p1.items.map((i) => i.index)).toEqual(Array.from({ length: 25 }, (_, i) => 29 - i));
    const p2 = await listFailed(conn, { page: 2, perPage: 25 });
    expect(p2).toMatchObject({ page: 2, perPage: 25, total: 30 });
    expect(p2.items.map((i) => i.index)).toEqual([4, 3, 2, 1, 0]);
    expect(p2.items.map((i) => i.raw)).toEqual([...MIXED].reverse());
    expect((await listFailed(conn, { page: 3, perPage: 25 })).items).toEqual([]);
  });

  it("filters, retries and removes across several scan chunks", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    const records = Array.from({ length: 500 }, () => MIXED).flat(); // 2500 records, 3 chunks
    for (let i = 0; i < records.length; i += 500) await redis.rpush(`${ns}:failed`, ...records.slice(i, i + 500));
    expect((await listFailed(conn, { filter: { exception: "Worker Timeout (killed manually)" } })).total).toBe(500);
    // php writes `\/` and `\\` in backtraces; the text filter matches what users read.
    expect((await listFailed(conn, { filter: { text: "/srv/app/worker.php(58)" } })).total).toBe(1000);
    expect((await listFailed(conn, { filter: { text: "/srv/app/worker.php(58): resque\\worker" } })).total).toBe(500);

    const retried = await retryAllFailed(conn, { queue: "stuck" });
    expect(retried).toEqual({ retried: 500, skipped: [] });
    expect(await redis.llen(`${ns}:queue:stuck`)).toBe(500);
    expect(new Set(await redis.lrange(`${ns}:queue:stuck`, 0, 10))).toEqual(
      new Set(['{"class":"stuckJob","args":[{"ms":60000,"path":"a/b"}],"queue":"stuck"}']),
    );
    expect(await redis.llen(`${ns}:tsq:wake:stuck`)).toBe(64);

    const removed = await removeAllFailed(conn, { class: "Interop_FailJob" });
    expect(removed).toEqual({ removed: 500, skipped: [] });
    const left = await redis.lrange(`${ns}:failed`, 0, 2);
    expect(left).toEqual([MIXED[1], MIXED[2], MIXED[3]]);
    expect(await redis.llen(`${ns}:failed`)).toBe(1500);

    const keep = await retryAllFailed(conn, { class: "RubyInterop::FailJob" }, { remove: false });
    expect(keep.retried).toBe(500);
    expect(await redis.llen(`${ns}:failed`)).toBe(1500);
    expect((await listFailed(conn, { filter: { text: '"retried_at"' } })).total).toBe(500);

    expect(await clearFailed(conn)).toBe(1500);
    expect(await redis.exists(`${ns}:failed`)).toBe(0);
  });

  it("an empty filter on removeAllFailed clears the list", async () => {
    const ns = testNamespace("fail");
    const conn = makeConn(redis, ns);
    await seedMixed(ns);
    expect(await removeAllFailed(conn, {})).toEqual({ removed: 5, skipped: [] });
    expect(await redis.exists(`${ns}:failed`)).toBe(0);
  });
});

describe("grouping counts only what was appended since the last grouping, and everything after any other change", () => {
  /** The same grouping from a client that has never grouped: a full count. */
  const fresh = async (ns: string, filter?: Parameters<typeof groupFailed>[1]) => {
    const other: Redis = testRedis();
    try {
      return await groupFailed(makeConn(other, ns), filter);
    } finally {
      other.disconnect();
    }
  };

  it("stays equal to a full count through appends, a removal, a retry of the oldest and a clear", async () => {
    const ns = testNamespace("groups");
    const conn = makeConn(redis, ns);
    const key = `${ns}:failed`;
    await seedMixed(ns);
    expect(await groupFailed(conn)).toEqual(await fresh(ns));
    // A filtered grouping keeps its own count (the class of node's record, appended again below).
    const cls = (await listFailed(conn, { perPage: 100 })).items.find((j) => j.raw === MIXED[1])!.payload.className!;
    const byClass = await groupFailed(conn, { class: cls });
    expect(byClass).toEqual(await fresh(ns, { class: cls }));
    expect(byClass.reduce((n, g) => n + g.count, 0)).toBeGreaterThan(0);

    // Appended: counted from the old length on; a group's sample becomes the newest record.
    await seedMixed(ns, [MIXED[1]!, MIXED[0]!, MIXED[1]!]);
    const grown = await groupFailed(conn);
    expect(grown).toEqual(await fresh(ns));
    expect(grown.reduce((n, g) => n + g.count, 0)).toBe(8);
    const byClassGrown = await groupFailed(conn, { class: cls });
    expect(byClassGrown).toEqual(await fresh(ns, { class: cls }));
    expect(byClassGrown.reduce((n, g) => n + g.count, 0)).toBe(byClass.reduce((n, g) => n + g.count, 0) + 2);

    // Removed from the middle, then one appended (same length): counted again.
    await redis.lrem(key, 1, MIXED[2]!);
    await redis.rpush(key, MIXED[3]!);
    expect(await groupFailed(conn)).toEqual(await fresh(ns));

    // The oldest retried away (the head changed): counted again.
    await redis.lpop(key);
    expect(await groupFailed(conn)).toEqual(await fresh(ns));

    // Cleared, then refilled past the old length: counted again.
    await redis.del(key);
    expect(await groupFailed(conn)).toEqual([]);
    await seedMixed(ns, [...MIXED, ...MIXED]);
    const refilled = await groupFailed(conn);
    expect(refilled).toEqual(await fresh(ns));
    expect(refilled.reduce((n, g) => n + g.count, 0)).toBe(10);
  });

  it("counts only the new tail while the list just grows, and everything again after a minute", async () => {
    const ns = testNamespace("groups");
    const conn = makeConn(redis, ns);
    const key = `${ns}:failed`;
    await seedMixed(ns);
    const t0 = Date.now();
    const before = await groupFailed(conn, undefined, { nowMs: t0 });
    // An edit in place that the cheap check cannot see (first and last records unchanged)…
    await redis.lset(key, 2, MIXED[1]!);
    await redis.rpush(key, MIXED[0]!);
    const count = (gs: { count: number }[]) => gs.reduce((n, g) => n + g.count, 0);
    const incremental = await groupFailed(conn, undefined, { nowMs: t0 + 1_000 });
    // …shows that only the appended record was read: the edited one is still counted as before.
    expect(count(incremental)).toBe(count(before) + 1);
    expect(incremental).not.toEqual(await fresh(ns));
    // A minute on, everything is counted again.
    expect(await groupFailed(conn, undefined, { nowMs: t0 + 61_000 })).toEqual(await fresh(ns));
  });
});
