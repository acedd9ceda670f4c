/**
 * The processed/failed history (lib/resque/history.ts) against a real Redis, with injected clocks:
 * samples land in hourly buckets, reads turn them into per-hour and per-day counts, a counter
 * reset is clamped to 0, the hash is trimmed to the retention, and the scheduler leader (only the
 * leader) samples.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import {
  Connection,
  getDailyHistory,
  getHourlyHistory,
  HISTORY_RETENTION_HOURS,
  sampleHistory,
  Scheduler,
  validTimeZone,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";

const H = 3_600_000;
const MIN = 60_000;
/** 2026-01-12 10:00:00 UTC, an hour boundary. */
const T0 = Date.UTC(2026, 0, 12, 10, 0, 0);

let redis: Redis;
let conn: Connection;
let ns: string;
const redises: Redis[] = [];

beforeEach(async () => {
  redis ??= testRedis();
  ns = testNamespace("history");
  conn = new Connection({ redis, namespace: ns });
});

afterAll(async () => {
  const keys = await redis.keys("test-history-*");
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  for (const r of redises) r.disconnect();
});

async function setCounters(processed: number, failed: number) {
  await redis.mset(`${ns}:stat:processed`, processed, `${ns}:stat:failed`, failed);
}

describe("history", () => {
  it("keeps each hour's first and latest sample of the shared counters, outside stat:", async () => {
    await setCounters(100, 4);
    expect(await sampleHistory(conn, { nowMs: T0 + 5 * MIN })).toEqual({ bucketMs: T0, trimmed: 0 });
    await setCounters(130, 6);
    await sampleHistory(conn, { nowMs: T0 + 20 * MIN });
    const key = `${ns}:tsq:history:hour`;
    expect(await redis.hgetall(key)).toEqual({ [`${T0 / 1000}:first`]: "100 4", [`${T0 / 1000}:last`]: "130 6" });
    // Other tools SCAN stat:* (node-resque's stats()): nothing new may appear there.
    expect((await redis.keys(`${ns}:stat:*`)).sort()).toEqual([`${ns}:stat:failed`, `${ns}:stat:processed`]);
  });

  it("counts an hour as the next hour's first sample minus its own, and the current hour from the live counters", async () => {
    await setCounters(100, 4);
    await sampleHistory(conn, { nowMs: T0 + 5 * MIN });
    await setCounters(130, 6);
    await sampleHistory(conn, { nowMs: T0 + 59 * MIN });
    await setCounters(150, 7);
    await sampleHistory(conn, { nowMs: T0 + H + 1 * MIN });
    await setCounters(171, 10);
    const hours = await getHourlyHistory(conn, { hours: 4, nowMs: T0 + H + 30 * MIN });
    expect(hours).toEqual([
      { startMs: T0 - 2 * H, processed: null, failed: null },
      { startMs: T0 - H, processed: null, failed: null },
      { startMs: T0, processed: 50, failed: 3 },
      { startMs: T0 + H, processed: 21, failed: 3 },
    ]);
  });

  it("falls back to an hour's last sample when the sampler stopped, and leaves unsampled hours unknown", async () => {
    await setCounters(10, 0);
    await sampleHistory(conn, { nowMs: T0 + 1 * MIN });
    await setCounters(25, 2);
    await sampleHistory(conn, { nowMs: T0 + 40 * MIN });
    await setCounters(99, 9); // jobs after the sampler stopped: no sample says when
    const hours = await getHourlyHistory(conn, { hours: 3, nowMs: T0 + 2 * H + 10 * MIN });
    expect(hours).toEqual([
      { startMs: T0, processed: 15, failed: 2 },
      { startMs: T0 + H, processed: null, failed: null },
      { startMs: T0 + 2 * H, processed: null, failed: null },
    ]);
  });

  it("clamps a counter reset to 0 instead of a negative count", async () => {
    await setCounters(500, 50);
    await sampleHistory(conn, { nowMs: T0 + 1 * MIN });
    await setCounters(3, 1); // Resque::Stat.clear, then a few jobs
    await sampleHistory(conn, { nowMs: T0 + H + 1 * MIN });
    await setCounters(8, 1);
    const hours = await getHourlyHistory(conn, { hours: 2, nowMs: T0 + H + 5 * MIN });
    expect(hours).toEqual([
      { startMs: T0, processed: 0, failed: 0 },
      { startMs: T0 + H, processed: 5, failed: 0 },
    ]);
    // A key deleted outright reads as 0 too.
    await redis.del(`${ns}:stat:processed`, `${ns}:stat:failed`);
    expect((await getHourlyHistory(conn, { hours: 1, nowMs: T0 + H + 6 * MIN }))[0]).toEqual({
      startMs: T0 + H,
      processed: 0,
      failed: 0,
    });
  });

  it("trims buckets older than the retention with bounded work, keeping the newest", async () => {
    const retentionHours = 3;
    const key = `${ns}:tsq:history:hour`;
    let maxFields = 0;
    for (let h = 0; h < 12; h++) {
      await setCounters(h * 10, h);
      await sampleHistory(conn, { nowMs: T0 + h * H + MIN, retentionHours });
      maxFields = Math.max(maxFields, await redis.hlen(key));
    }
    expect(maxFields).toBeLessThanOrEqual(2 * (retentionHours + 2));
    const buckets = [...new Set((await redis.hkeys(key)).map((f) => Number(f.split(":")[0]) * 1000))].sort(
      (a, b) => a - b,
    );
    expect(buckets.at(-1)).toBe(T0 + 11 * H);
    expect(buckets[0]).toBeGreaterThan(T0 + 11 * H - retentionHours * H - 2 * H);
    expect(buckets.length).toBeGreaterThanOrEqual(retentionHours);
    // The newest hours still read correctly after trimming.
    const hours = await getHourlyHistory(conn, { hours: 2, nowMs: T0 + 11 * H + 2 * MIN });
    expect(hours).toEqual([
      { startMs: T0 + 10 * H, processed: 10, failed: 1 },
      { startMs: T0 + 11 * H, processed: 0, failed: 0 },
    ]);
    expect(HISTORY_RETENTION_HOURS).toBeGreaterThanOrEqual(31 * 24);
  });

  it("sums hours into calendar days of the viewer's time zone", async () => {
    // 15:00 UTC is 23:00 in Shanghai, 16:00 UTC is 00:00 the next day there.
    const d15 = Date.UTC(2026, 0, 12, 15, 0, 0);
    await setCounters(0, 0);
    await sampleHistory(conn, { nowMs: d15 + MIN });
    await setCounters(7, 1);
    await sampleHistory(conn, { nowMs: d15 + H + MIN });
    await setCounters(10, 3);
    await sampleHistory(conn, { nowMs: d15 + 2 * H + MIN });
    const now = d15 + 2 * H + 30 * MIN;
    await setCounters(12, 3);

    const utc = await getDailyHistory(conn, { days: 2, timeZone: "UTC", nowMs: now });
    expect(utc).toEqual([
      { startMs: Date.UTC(2026, 0, 11), processed: null, failed: null },
      { startMs: Date.UTC(2026, 0, 12), processed: 12, failed: 3 },
    ]);
    const shanghai = await getDailyHistory(conn, { days: 2, timeZone: "Asia/Shanghai", nowMs: now });
    expect(shanghai).toEqual([
      { startMs: Date.UTC(2026, 0, 11, 16), processed: 7, failed: 1 },
      { startMs: Date.UTC(2026, 0, 12, 16), processed: 5, failed: 2 },
    ]);
    expect(validTimeZone("Not/AZone")).toBe("UTC");
    expect((await getDailyHistory(conn, { days: 30, timeZone: "Not/AZone", nowMs: now })).length).toBe(30);
  });

  it("is sampled by the scheduler leader only", async () => {
    const other = testRedis();
    redises.push(other);
    const leader = new Scheduler({ redis, namespace: ns, id: "leader:1" });
    const standby = new Scheduler({ redis: other, namespace: ns, id: "standby:2" });
    await setCounters(42, 2);
    await leader.tick();
    await standby.tick();
    expect([leader.isLeader, standby.isLeader]).toEqual([true, false]);
    const fields = await redis.hgetall(`${ns}:tsq:history:hour`);
    const [sec] = await redis.time();
    const bucket = Math.floor(Number(sec) / 3600) * 3600;
    expect(fields[`${bucket}:first`]).toBe("42 2");

    // The standby never samples, even long after: wipe and tick it again.
    await redis.del(`${ns}:tsq:history:hour`);
    await standby.tick(Date.now() + 10 * MIN);
    expect(await redis.exists(`${ns}:tsq:history:hour`)).toBe(0);
    await leader.stop();
    await standby.stop();
  });
});
