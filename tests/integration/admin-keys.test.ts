import { afterAll, describe, expect, it } from "vitest";
import { getKeyValue, getRedisInfo, scanKeys } from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadEntries, loadRuby, makeConn, nsKey, seed } from "../helpers/fixtures";

const php = loadEntries("php-resque");
const rb = loadRuby();
const redis = testRedis();
afterAll(() => redis.disconnect());

const QUEUED = [
  "queued_payload_args_slash_unicode_nested",
  "queued_payload_args_empty_object",
  "queued_payload_no_args",
  "queued_payload_namespaced_class",
  "queued_payload_status_tracked",
].map((n) => `develop/${n}`);

describe("key browser", () => {
  it("scans the namespace with types, sizes and TTLs", async () => {
    const ns = testNamespace("keys");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, [
      ...QUEUED,
      "develop/queues_set_member",
      "develop/delayed_item",
      "develop/delayed_schedule_entry",
      "develop/stat_processed",
    ]);
    await redis.hset(nsKey(ns, rb.heartbeat_key!), rb.heartbeat_field!, rb.heartbeat_value!);
    await redis.expire(`${ns}:stat:processed`, 1000);
    const found = new Map<string, { type: string; size: number; ttl: number }>();
    let cursor = "0";
    do {
      const step = await scanKeys(conn, { cursor, count: 2 });
      for (const k of step.keys) found.set(k.key, k);
      cursor = step.cursor;
    } while (cursor !== "0");
    expect(found.get(`${ns}:queue:fixtures`)).toEqual({ key: `${ns}:queue:fixtures`, type: "list", size: 5, ttl: -1 });
    expect(found.get(`${ns}:queues`)).toMatchObject({ type: "set", size: 1 });
    expect(found.get(`${ns}:delayed_queue_schedule`)).toMatchObject({ type: "zset", size: 1 });
    expect(found.get(`${ns}:workers:heartbeat`)).toMatchObject({ type: "hash", size: 1 });
    expect(found.get(`${ns}:stat:processed`)).toMatchObject({ type: "string", size: 1 });
    expect(found.get(`${ns}:stat:processed`)!.ttl).toBeGreaterThan(900);
    expect(found.size).toBe(6);

    const lists = await scanKeys(conn, { type: "list", count: 1000 });
    expect(lists.keys.every((k) => k.type === "list")).toBe(true); // one step may hold none
  });

  it("takes glob characters in the namespace literally", async () => {
    const base = testNamespace("keys");
    const conn = makeConn(redis, `${base}[x]`);
    await redis.set(`${base}[x]:stat:processed`, "1");
    await redis.set(`${base}x:stat:processed`, "1"); // what an unescaped `[x]` would also match
    const found: string[] = [];
    let cursor = "0";
    do {
      const step = await scanKeys(conn, { cursor, count: 1000 });
      found.push(...step.keys.map((k) => k.key));
      cursor = step.cursor;
    } while (cursor !== "0");
    expect(found).toEqual([`${base}[x]:stat:processed`]);
  });

  it("pages a list and a hash, and reads sets, sorted sets, strings and streams", async () => {
    const ns = testNamespace("keys");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, [
      ...QUEUED,
      "develop/queues_set_member",
      "develop/delayed_schedule_entry",
      "develop/delayed_schedule_entry_no_args",
    ]);
    const list = await getKeyValue(conn, `${ns}:queue:fixtures`, { page: 2, perPage: 2 });
    expect(list).toMatchObject({ type: "list", page: 2, perPage: 2, total: 5, ttl: -1 });
    if (list.type !== "list") throw new Error("not a list");
    expect(list.items).toEqual([
      { index: 2, value: php[QUEUED[2]!]!.raw },
      { index: 3, value: php[QUEUED[3]!]!.raw },
    ]);

    const hkey = nsKey(ns, rb.heartbeat_key!);
    await redis.hset(
      hkey,
      rb.heartbeat_field!,
      rb.heartbeat_value!,
      rb.worker_id_two_queues!,
      rb.heartbeat_value_local_zone!,
    );
    const fields = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const h = await getKeyValue(conn, hkey, { perPage: 1, cursor });
      if (h.type !== "hash") throw new Error("not a hash");
      expect(h.total).toBe(2);
      for (const { field, value } of h.items) fields.set(field, value);
      cursor = h.nextCursor;
    } while (cursor !== "0");
    expect(Object.fromEntries(fields)).toEqual({
      [rb.heartbeat_field!]: rb.heartbeat_value,
      [rb.worker_id_two_queues!]: rb.heartbeat_value_local_zone,
    });

    expect(await getKeyValue(conn, `${ns}:queues`)).toMatchObject({ type: "set", total: 1, items: ["fixtures"] });
    const z = await getKeyValue(conn, `${ns}:delayed_queue_schedule`);
    expect(z).toMatchObject({
      type: "zset",
      total: 2,
      items: [
        { rank: 0, member: "1795920008", score: "1795920008" },
        { rank: 1, member: "1795923608" },
      ],
    });

    await redis.set(`${ns}:big`, "é".repeat(40_000)); // 80 000 bytes
    const big = await getKeyValue(conn, `${ns}:big`);
    expect(big).toMatchObject({ type: "string", size: 80_000, truncated: true });
    if (big.type === "string") expect(Buffer.byteLength(big.value)).toBe(64 * 1024);

    await redis.xadd(`${ns}:events`, "1-1", "a", "1");
    await redis.xadd(`${ns}:events`, "1-2", "b", "2");
    await redis.xadd(`${ns}:events`, "1-3", "c", "3");
    const s1 = await getKeyValue(conn, `${ns}:events`, { perPage: 2 });
    expect(s1).toMatchObject({
      type: "stream",
      total: 3,
      nextCursor: "1-2",
      items: [{ id: "1-1", fields: [["a", "1"]] }, { id: "1-2" }],
    });
    const s2 = await getKeyValue(conn, `${ns}:events`, { perPage: 2, cursor: "1-2" });
    expect(s2).toMatchObject({ items: [{ id: "1-3", fields: [["c", "3"]] }], nextCursor: "0" });

    expect(await getKeyValue(conn, `${ns}:nope`)).toEqual({ key: `${ns}:nope`, ttl: -2, type: "none" });
  });

  it("reads INFO into sections", async () => {
    const conn = makeConn(redis, testNamespace("keys"));
    const info = await getRedisInfo(conn);
    expect(info.server!.redis_version).toMatch(/^\d+\.\d+/);
    expect(Number(info.memory!.used_memory)).toBeGreaterThan(0);
    const mem = await getRedisInfo(conn, "memory");
    expect(Object.keys(mem)).toEqual(["memory"]);
  });
});
