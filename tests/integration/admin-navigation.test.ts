/**
 * The engine reads behind the dashboard's navigation (issue 17), against a real Redis: one worker
 * by its whole id, a worker's newest failures within a bounded window, searches inside a queue and
 * through the delayed schedule that stop at their windows, and the recent counter samples the
 * realtime chart starts from.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  buildFailureRecord,
  Client,
  Connection,
  getRecentSamples,
  getWorker,
  JobRegistry,
  listWorkerFailures,
  listWorkers,
  RECENT_SAMPLES,
  registerWorker,
  removeQueuedJob,
  sampleHistory,
  searchDelayed,
  searchQueue,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";

const redis = testRedis();
const namespaces: string[] = [];
afterAll(async () => {
  const keys = (await Promise.all(namespaces.map((ns) => redis.keys(`${ns}:*`)))).flat();
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function setup(label: string) {
  const ns = testNamespace(label);
  namespaces.push(ns);
  const conn = new Connection({ redis, namespace: ns });
  return { ns, conn, client: new Client({ redis, namespace: ns, registry: new JobRegistry([]) }) };
}

const failure = (worker: string, n: number) =>
  buildFailureRecord({
    payloadRaw: JSON.stringify({ class: "ChargeCard", args: [{ n }] }),
    exception: "RuntimeError",
    error: `declined ${n}`,
    backtrace: ["app.rb:1"],
    worker,
    queue: "billing",
  });

describe("worker reads", () => {
  it("finds one worker by its whole id, whatever its form, and nothing for an id not registered", async () => {
    const { conn } = setup("nav-worker");
    const ids = ["web-1:4242:mail,reports", "web-1:4243:*#slot-2", "node-name"];
    for (const id of ids) await registerWorker(conn, id);
    for (const id of ids) {
      const w = await getWorker(conn, id);
      expect(w?.id).toBe(id);
      // The same record the list shows.
      expect(w).toEqual((await listWorkers(conn)).find((x) => x.id === id));
    }
    expect(await getWorker(conn, "web-1:4242")).toBeNull();
    expect(await getWorker(conn, "web-1:4242:mail")).toBeNull();
  });

  it("lists a worker's newest failures first, by its id or its node-resque name, only within the window", async () => {
    const { ns, conn } = setup("nav-failures");
    const id = "web-1:4242:billing";
    const key = `${ns}:failed`;
    // Oldest first in the list: 3 of ours (one under node-resque's host:pid), then 20 of another worker.
    await redis.rpush(key, failure(id, 1), failure("web-1:4242", 2), failure(id, 3));
    for (let n = 100; n < 120; n++) await redis.rpush(key, failure("web-2:77:billing", n));
    await redis.rpush(key, failure(id, 4));

    const all = await listWorkerFailures(conn, id);
    expect(all.items.map((f) => f.error)).toEqual(["declined 4", "declined 3", "declined 2", "declined 1"]);
    expect(all.items[0]!.id).toMatch(/^23-[0-9a-f]{16}$/);
    expect((await listWorkerFailures(conn, id, { limit: 2 })).items.map((f) => f.error)).toEqual([
      "declined 4",
      "declined 3",
    ]);
    // A window of the newest 21 records reaches only the newest of ours and the other worker's 20.
    const recent = await listWorkerFailures(conn, id, { window: 21 });
    expect([recent.items.map((f) => f.error), recent.window]).toEqual([["declined 4"], 21]);
    expect((await listWorkerFailures(conn, "web-9:1:x")).items).toEqual([]);
  });
});

describe("searches", () => {
  it("searches a queue from its head, case-insensitive, paged, never past its window; a match's ref removes it", async () => {
    const { ns, conn, client } = setup("nav-qsearch");
    for (let n = 1; n <= 30; n++)
      await client.enqueue("reports", "BuildReport", { n, who: n % 10 === 7 ? "Zoë" : "x" });
    const found = await searchQueue(conn, "reports", "zoë", { perPage: 20 });
    expect(found.total).toBe(3);
    expect(found.items.map((j) => j.index)).toEqual([6, 16, 26]);
    expect(found.items.map((j) => (j.payload.argsArray[0] as { n: number }).n)).toEqual([7, 17, 27]);
    // ASCII text goes through Redis's first pass; the page is cut from the matches.
    const ids = await searchQueue(conn, "reports", '"N":2', { page: 2, perPage: 5 });
    expect([ids.total, ids.items.map((j) => j.index)]).toEqual([11, [23, 24, 25, 26, 27]]); // n = 2, then 20–29: the 6th to 10th match;
    // Only the first `window` entries are looked at.
    expect((await searchQueue(conn, "reports", "zoë", { window: 17 })).total).toBe(2);
    expect((await searchQueue(conn, "nope", "x")).total).toBe(0);
    await redis.set(`${ns}:queue:broken`, "a string");
    expect((await searchQueue(conn, "broken", "a")).total).toBe(0);

    expect(await removeQueuedJob(conn, "reports", { ref: found.items[1]!.ref! })).toBe(true);
    expect((await searchQueue(conn, "reports", "zoë")).items.map((j) => j.index)).toEqual([6, 25]);
  });

  it("searches delayed jobs earliest first across timestamps, never past its window", async () => {
    const { conn, client } = setup("nav-dsearch");
    const base = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < 12; i++)
      await client.enqueueAt(base + (i % 4) * 60, "mail", "SendReceipt", { i, to: i % 3 ? "a" : "Bob" });
    const found = await searchDelayed(conn, "bob");
    expect(found.total).toBe(4); // i = 0, 3, 6, 9
    expect(found.items.map((d) => [d.timestamp - base, (d.payload.argsArray[0] as { i: number }).i])).toEqual([
      [0, 0],
      [60, 9],
      [120, 6],
      [180, 3],
    ]);
    expect(found.items.every((d) => d.queue === "mail" && /^\d+-[0-9a-f]{16}$/.test(d.ref!))).toBe(true);
    // 3 items per timestamp: a window of 4 reads the first timestamp and one item of the next.
    expect((await searchDelayed(conn, "bob", { window: 4 })).total).toBe(1);
    expect((await searchDelayed(conn, "bob", { window: 7 })).total).toBe(2);
    expect((await searchDelayed(conn, "SendReceipt", { page: 2, perPage: 5 })).items.length).toBe(5);
  });
});

describe("recent samples", () => {
  it("keeps the newest samples as taken, oldest first, capped, for the realtime chart", async () => {
    const { ns, conn } = setup("nav-recent");
    expect(await getRecentSamples(conn)).toEqual([]);
    const t0 = Date.UTC(2026, 0, 12, 10, 0, 0);
    for (let i = 0; i < RECENT_SAMPLES + 4; i++) {
      await redis.mset(`${ns}:stat:processed`, 10 * i, `${ns}:stat:failed`, i);
      await sampleHistory(conn, { nowMs: t0 + i * 10_000 });
    }
    const samples = await getRecentSamples(conn);
    expect(samples.length).toBe(RECENT_SAMPLES);
    expect(samples[0]).toEqual({ atMs: t0 + 4 * 10_000, processed: 40, failed: 4 });
    expect(samples.at(-1)).toEqual({
      atMs: t0 + (RECENT_SAMPLES + 3) * 10_000,
      processed: 10 * (RECENT_SAMPLES + 3),
      failed: RECENT_SAMPLES + 3,
    });
  });
});
