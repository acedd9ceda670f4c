import { isMessageKey } from "@/lib/i18n";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BaseJob,
  Connection,
  InvalidScheduleError,
  JobRegistry,
  deleteSchedule,
  fireDueSchedules,
  formatRubyTime,
  getSchedule,
  listSchedules,
  runScheduleNow,
  saveSchedule,
  setScheduleEnabled,
  type ScheduleInput,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadRuby } from "../helpers/fixtures";

const rb = loadRuby();
const redis = testRedis();
const redis2 = testRedis();
afterAll(() => {
  redis.disconnect();
  redis2.disconnect();
});

const utc = (iso: string) => Date.parse(iso);

function fresh(label = "sched") {
  const ns = testNamespace(label);
  return { ns, conn: new Connection({ redis, namespace: ns }) };
}

class NightlyReport extends BaseJob<{ day: string }> {
  static names = ["Reports\\Nightly"];
  static queue = "reports";
  static schema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD") });
  perform() {}
}
const registry = new JobRegistry([NightlyReport]);

async function queued(conn: Connection, queue: string): Promise<string[]> {
  return redis.lrange(conn.keys.queue(queue), 0, -1);
}

async function rejection(p: Promise<unknown>): Promise<InvalidScheduleError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InvalidScheduleError);
  return e as InvalidScheduleError;
}

describe("schedule entries in resque-scheduler's Redis layout", () => {
  it("save, disable, enable and delete write RS's keys", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    const input: ScheduleInput = {
      name: "nightly report",
      className: "Reports\\Nightly",
      cron: "0 3 * * *",
      timezone: "Asia/Shanghai",
      args: { day: "2026-01-01" },
      description: "daily numbers",
    };
    const saved = await saveSchedule(conn, input, { registry, create: true });
    expect(saved.created).toBe(true);
    const raw = await redis.hget(k.persistentSchedules, "nightly report");
    expect(raw).toBe(saved.raw);
    const parsed = JSON.parse(raw!);
    expect(Object.keys(parsed)).toEqual(["class", "cron", "queue", "args", "description"]);
    expect(parsed).toEqual({
      class: "Reports\\Nightly",
      cron: "0 3 * * * Asia/Shanghai",
      queue: "reports",
      args: { day: "2026-01-01" },
      description: "daily numbers",
    });
    expect(await redis.smembers(k.schedulesChanged)).toEqual(["nightly report"]);

    await redis.del(k.schedulesChanged);
    expect(await setScheduleEnabled(conn, "nightly report", false)).toBe(true);
    expect(await redis.hget(k.persistentSchedules, "nightly report")).toBe(raw!.slice(0, -1) + ',"enabled":false}');
    expect(await redis.smembers(k.schedulesChanged)).toEqual(["nightly report"]);
    expect(await getSchedule(conn, "nightly report")).toMatchObject({ enabled: false, nextRunMs: null });

    await redis.del(k.schedulesChanged);
    expect(await setScheduleEnabled(conn, "nightly report", true)).toBe(true);
    expect(await redis.hget(k.persistentSchedules, "nightly report")).toBe(raw);
    expect(await redis.smembers(k.schedulesChanged)).toEqual(["nightly report"]);

    await redis.del(k.schedulesChanged);
    await redis.hset(k.lastEnqueuedAt, "nightly report", "2026-11-29 01:45:21 +0000");
    await redis.hset(k.scheduleLastSlot, "nightly report", "1");
    expect(await deleteSchedule(conn, "nightly report")).toBe(true);
    expect(await redis.hexists(k.persistentSchedules, "nightly report")).toBe(0);
    expect(await redis.hexists(k.lastEnqueuedAt, "nightly report")).toBe(0);
    expect(await redis.hexists(k.scheduleLastSlot, "nightly report")).toBe(0);
    expect(await redis.smembers(k.schedulesChanged)).toEqual(["nightly report"]);
    expect(await deleteSchedule(conn, "nightly report")).toBe(false);
    expect(await setScheduleEnabled(conn, "nightly report", false)).toBe(false);
  });

  it("editing keeps keys it does not manage and the disabled state", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await redis.hset(
      k.persistentSchedules,
      "rs",
      '{"class":"Old","every":"1h","queue":"q","args":[1],"rails_env":"production","enabled":false}',
    );
    await saveSchedule(conn, { name: "rs", className: "New", cron: "*/5 * * * *", queue: "q2", argsArray: ["a"] });
    expect(await redis.hget(k.persistentSchedules, "rs")).toBe(
      '{"class":"New","cron":"*/5 * * * *","queue":"q2","args":["a"],"rails_env":"production","enabled":false}',
    );
  });

  it("create refuses an existing name and leaves it untouched", async () => {
    const { conn } = fresh();
    await saveSchedule(conn, { name: "a", className: "X", every: "1m", queue: "q" });
    const before = await redis.hget(conn.keys.persistentSchedules, "a");
    const e = await rejection(
      saveSchedule(conn, { name: "a", className: "Y", every: "2m", queue: "q" }, { create: true }),
    );
    expect(e.message).toBe('A schedule named "a" already exists');
    expect(e.field).toBe("name");
    expect(await redis.hget(conn.keys.persistentSchedules, "a")).toBe(before);
  });

  it("refuses an invalid cron, an unknown zone, an unknown class and args its schema rejects, storing nothing", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    const base = { name: "bad", className: "Reports\\Nightly", args: { day: "2026-01-01" } };
    const cases: Array<[ScheduleInput, string]> = [
      [{ ...base, cron: "61 * * * *" }, 'Invalid cron expression "61 * * * *": Invalid value for minute: 61'],
      [
        { ...base, cron: "0 3 * * * Mars/Olympus" },
        'Unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Shanghai" or "UTC"',
      ],
      [
        { ...base, cron: "0 3 * * *", timezone: "Asia/Nowhere" },
        'Unknown time zone "Asia/Nowhere": use an IANA name such as "Asia/Shanghai" or "UTC"',
      ],
      [{ ...base, className: "Ruby::Thing", every: "1h" }, 'No job class is registered under the name "Ruby::Thing"'],
      [
        { ...base, every: "1d", args: { day: "tomorrow" } },
        "Invalid args for Reports\\Nightly: day: expected YYYY-MM-DD",
      ],
      [
        { ...base, every: "1d", args: {} },
        expect.stringMatching(/^Invalid args for Reports\\Nightly: day: /) as unknown as string,
      ],
    ];
    for (const [input, message] of cases) {
      const e = await rejection(saveSchedule(conn, input, { registry }));
      expect(e.message).toEqual(message);
      expect(e.code).toBe("INVALID_ARGS");
      // Each refusal names its problem, and the dashboard has words for it in both languages.
      expect(isMessageKey(`schedules.error.${e.problem}`), e.problem).toBe(true);
    }
    expect(await redis.exists(k.persistentSchedules, k.schedulesChanged, k.scheduleLastSlot)).toBe(0);
    // The same unknown class is accepted on request: a php or Ruby worker may run it.
    await saveSchedule(
      conn,
      { ...base, className: "Ruby::Thing", every: "1h", queue: "ruby" },
      { registry, allowUnknownClass: true },
    );
    expect(await redis.hlen(k.persistentSchedules)).toBe(1);
  });
});

describe("Ruby resque-scheduler fixtures", () => {
  const EVERY = "ruby_every_10s";
  const CRON = "ruby_nightly";

  async function seedRuby(conn: Connection) {
    const k = conn.keys;
    expect(rb.last_enqueued_at_field).toBe(EVERY);
    await redis.hset(k.persistentSchedules, EVERY, rb.persistent_schedule_every!);
    await redis.hset(k.persistentSchedules, CRON, rb.persistent_schedule_cron!);
    await redis.hset(k.lastEnqueuedAt, rb.last_enqueued_at_field!, rb.last_enqueued_at_value!);
  }

  it("lists them with next run and last run, byte for byte", async () => {
    const { conn } = fresh("ruby");
    await seedRuby(conn);
    const list = await listSchedules(conn, { nowMs: utc("2026-11-29T01:45:25Z") });
    expect(list.map((s) => s.name)).toEqual([EVERY, CRON]);
    const [every, cron] = list;
    expect(every).toMatchObject({
      source: "persistent",
      raw: rb.persistent_schedule_every,
      className: "RubyInterop::OkJob",
      every: "10s",
      queue: "ruby_cron",
      args: [{ n: "every" }],
      argsArray: [{ n: "every" }],
      description: "fires every 10 s",
      enabled: true,
      nextRunMs: utc("2026-11-29T01:45:30Z"),
      lastRun: { ms: utc("2026-11-29T01:45:21Z"), zoneKnown: true, raw: rb.last_enqueued_at_value },
      lastSlotMs: null,
    });
    expect(every!.error).toBeUndefined();
    expect(cron).toMatchObject({
      cron: "0 3 * * *",
      args: { n: "nightly" },
      argsArray: [{ n: "nightly" }],
      description: "03:00 every night",
      nextRunMs: utc("2026-11-29T03:00:00Z"),
      lastRun: null,
    });
    expect(cron!.timezone).toBeUndefined();
  });

  it("fires them with Ruby's payload args, an unknown class by name", async () => {
    const { conn } = fresh("ruby");
    const k = conn.keys;
    await seedRuby(conn);
    const t0 = utc("2026-11-29T01:45:25Z");
    const first = await fireDueSchedules(conn, { nowMs: t0, registry });
    expect(first.fired).toEqual([]);
    expect(first.initialized.sort()).toEqual([CRON, EVERY].sort());
    expect(await redis.hget(k.scheduleLastSlot, EVERY)).toBe(String(utc("2026-11-29T01:45:20Z")));
    expect(await redis.hget(k.scheduleLastSlot, CRON)).toBe(String(utc("2026-11-28T03:00:00Z")));

    const t1 = utc("2026-11-29T01:45:31.250Z");
    const second = await fireDueSchedules(conn, { nowMs: t1, registry });
    expect(second.fired).toHaveLength(1);
    expect(second.fired[0]).toMatchObject({
      name: EVERY,
      slotMs: utc("2026-11-29T01:45:30Z"),
      queue: "ruby_cron",
      class: "RubyInterop::OkJob",
    });
    const jobs = await queued(conn, "ruby_cron");
    expect(jobs).toHaveLength(1);
    // Ruby's {"class","args"} followed by php's id and queue_time.
    expect(
      jobs[0]!.startsWith(
        rb.recurring_enqueued_payload!.slice(0, -1) + ',"id":"' + second.fired[0]!.id + '","queue_time":1795916731.25',
      ),
    ).toBe(true);
    expect(await redis.sismember(k.queues, "ruby_cron")).toBe(1);
    expect(await redis.llen(k.wake("ruby_cron"))).toBeGreaterThan(0);
    expect(await redis.hget(k.lastEnqueuedAt, EVERY)).toBe("2026-11-29 01:45:31 +0000");
    expect(await redis.hget(k.persistentSchedules, EVERY)).toBe(rb.persistent_schedule_every);

    const night = await fireDueSchedules(conn, { nowMs: utc("2026-11-29T03:00:02Z"), registry });
    expect(night.fired.map((f) => f.name).sort()).toEqual([CRON, EVERY].sort());
    const nightly = (await queued(conn, "ruby_cron"))
      .map((p) => JSON.parse(p))
      .filter((p) => p.args[0].n === "nightly");
    expect(nightly).toHaveLength(1);
    expect(nightly[0]).toMatchObject({ class: "RubyInterop::OkJob", args: [{ n: "nightly" }] });
    expect(Object.keys(nightly[0])).toEqual(["class", "args", "id", "queue_time"]);
    expect(await redis.hget(k.lastEnqueuedAt, CRON)).toBe(formatRubyTime(utc("2026-11-29T03:00:02Z")));
  });

  it("keeps RS's positional array args as they are, and writes bare payloads on request", async () => {
    const { conn } = fresh("ruby");
    await redis.hset(
      conn.keys.persistentSchedules,
      "pos",
      '{"class":"Ruby::Pos","every":"1m","queue":"q","args":["x",2,null]}',
    );
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T01:00:00Z") });
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T01:01:00Z"), strictRubyPayload: true });
    expect(await queued(conn, "q")).toEqual(['{"class":"Ruby::Pos","args":["x",2,null]}']);
  });
});

describe("fireDueSchedules fires each slot exactly once", () => {
  async function everyMinute(conn: Connection, name = "tick", extra: Partial<ScheduleInput> = {}) {
    await saveSchedule(conn, { name, className: "Ping", every: "1m", queue: "ticks", args: { n: 1 }, ...extra });
  }
  const T = utc("2026-11-29T10:00:30Z");

  it("a new entry never fires at once; the next slot fires once even when called twice", async () => {
    const { conn } = fresh();
    await everyMinute(conn);
    expect((await fireDueSchedules(conn, { nowMs: T })).initialized).toEqual(["tick"]);
    expect(await queued(conn, "ticks")).toEqual([]);
    const a = await fireDueSchedules(conn, { nowMs: T + 60_000 });
    const b = await fireDueSchedules(conn, { nowMs: T + 60_000 });
    const c = await fireDueSchedules(conn, { nowMs: T + 75_000 });
    expect(a.fired).toHaveLength(1);
    expect(b.fired).toEqual([]);
    expect(c.fired).toEqual([]);
    const jobs = await queued(conn, "ticks");
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(jobs[0]!)).toMatchObject({ class: "Ping", args: [{ n: 1 }] });
  });

  it("two schedulers on two connections racing on the same tick enqueue one job", async () => {
    const { ns, conn } = fresh();
    const conn2 = new Connection({ redis: redis2, namespace: ns });
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    for (let i = 1; i <= 5; i++) {
      const [a, b] = await Promise.all([
        fireDueSchedules(conn, { nowMs: T + i * 60_000 }),
        fireDueSchedules(conn2, { nowMs: T + i * 60_000 }),
      ]);
      expect(a.fired.length + b.fired.length).toBe(1);
    }
    expect(await queued(conn, "ticks")).toHaveLength(5);
  });

  it("the fire script itself refuses a resent command and an entry changed since it was read", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    const raw = (await redis.hget(k.persistentSchedules, "tick"))!;
    const slot = utc("2026-11-29T10:01:00Z");
    const keys = [
      k.scheduleLastSlot,
      k.queues,
      k.queue("ticks"),
      k.wake("ticks"),
      k.lastEnqueuedAt,
      k.persistentSchedules,
    ];
    const args = (payload: string, seen: string) => ["tick", slot, "ticks", payload, formatRubyTime(slot), seen];
    expect(await conn.run("schedule-fire", keys, args('{"class":"Ping","args":[]}', raw + " "))).toBe(-2);
    expect(await conn.run("schedule-fire", keys, args('{"class":"Ping","args":[]}', raw))).toBe(1);
    expect(await conn.run("schedule-fire", keys, args('{"class":"Ping","args":[]}', raw))).toBe(-1);
    expect(await queued(conn, "ticks")).toEqual(['{"class":"Ping","args":[]}']);
  });

  it("a gap of many missed slots fires once", async () => {
    const { conn } = fresh();
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    const after = await fireDueSchedules(conn, { nowMs: T + 10 * 60_000 + 5_000 });
    expect(after.fired).toHaveLength(1);
    expect(after.fired[0]!.slotMs).toBe(utc("2026-11-29T10:10:00Z"));
    expect((await fireDueSchedules(conn, { nowMs: T + 10 * 60_000 + 20_000 })).fired).toEqual([]);
    expect(await queued(conn, "ticks")).toHaveLength(1);
  });

  it("an edited cron takes effect on its next slot, without a burst", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await saveSchedule(conn, { name: "c", className: "Ping", cron: "0 * * * *", queue: "ticks" });
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:05:00Z") });
    expect(await redis.hget(k.scheduleLastSlot, "c")).toBe(String(utc("2026-11-29T10:00:00Z")));
    await saveSchedule(conn, { name: "c", className: "Ping", cron: "*/15 * * * *", queue: "ticks" });
    expect(await redis.hget(k.scheduleLastSlot, "c")).toBe(String(utc("2026-11-29T10:00:00Z")));
    expect((await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:14:59Z") })).fired).toEqual([]);
    const at15 = await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:15:01Z") });
    expect(at15.fired.map((f) => f.slotMs)).toEqual([utc("2026-11-29T10:15:00Z")]);
    expect((await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:30:00Z") })).fired).toHaveLength(1);
    expect(await queued(conn, "ticks")).toHaveLength(2);
  });

  it("disabled entries do not fire; re-enabled ones resume at their next slot", async () => {
    const { conn } = fresh();
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    await setScheduleEnabled(conn, "tick", false);
    expect((await fireDueSchedules(conn, { nowMs: T + 60_000 })).fired).toEqual([]);
    expect((await fireDueSchedules(conn, { nowMs: T + 5 * 60_000 })).fired).toEqual([]);
    await setScheduleEnabled(conn, "tick", true);
    const resumed = await fireDueSchedules(conn, { nowMs: T + 6 * 60_000 });
    expect(resumed).toMatchObject({ fired: [], initialized: ["tick"] });
    expect((await fireDueSchedules(conn, { nowMs: T + 7 * 60_000 })).fired).toHaveLength(1);
    expect(await queued(conn, "ticks")).toHaveLength(1);
  });

  it("a deleted entry stops firing and a re-created one starts fresh", async () => {
    const { conn } = fresh();
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    await deleteSchedule(conn, "tick");
    expect((await fireDueSchedules(conn, { nowMs: T + 60_000 })).fired).toEqual([]);
    await everyMinute(conn);
    expect((await fireDueSchedules(conn, { nowMs: T + 2 * 60_000 })).initialized).toEqual(["tick"]);
    expect(await queued(conn, "ticks")).toEqual([]);
  });

  it("an entry removed by Ruby (HDEL only) loses its last slot on the next tick", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    await redis.hdel(k.persistentSchedules, "tick");
    await fireDueSchedules(conn, { nowMs: T + 60_000 });
    expect(await redis.hexists(k.scheduleLastSlot, "tick")).toBe(0);
  });

  it("unusable entries are reported, never thrown, and do not stop the others", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await redis.hset(
      k.persistentSchedules,
      "broken",
      "{not json",
      "bad cron",
      '{"class":"A","cron":"99 * * * *","queue":"q"}',
    );
    await everyMinute(conn);
    await fireDueSchedules(conn, { nowMs: T });
    const r = await fireDueSchedules(conn, { nowMs: T + 60_000 });
    expect(r.fired.map((f) => f.name)).toEqual(["tick"]);
    expect(r.invalid.map((i) => i.name)).toEqual(["bad cron", "broken"]);
    const list = await listSchedules(conn, { nowMs: T });
    expect(list.map((s) => [s.name, s.error === undefined, s.nextRunMs === null])).toEqual([
      ["bad cron", false, true],
      ["broken", false, true],
      ["tick", true, false],
    ]);
  });

  it("RS's env restriction: restricted entries fire only in a matching env", async () => {
    const { conn } = fresh();
    await redis.hset(
      conn.keys.persistentSchedules,
      "prod",
      '{"class":"A","every":"1m","queue":"q","rails_env":"production"}',
    );
    await fireDueSchedules(conn, { nowMs: T, env: "production" });
    expect((await fireDueSchedules(conn, { nowMs: T + 60_000 })).fired).toEqual([]);
    expect((await fireDueSchedules(conn, { nowMs: T + 60_000, env: "staging" })).fired).toEqual([]);
    expect((await fireDueSchedules(conn, { nowMs: T + 60_000, env: "production" })).fired).toHaveLength(1);
  });
});

describe("time zones", () => {
  it('"0 3 * * * Asia/Shanghai" runs at 19:00 UTC', async () => {
    const { conn } = fresh();
    await saveSchedule(conn, {
      name: "sh",
      className: "Ping",
      cron: "0 3 * * *",
      timezone: "Asia/Shanghai",
      queue: "tz",
    });
    expect(JSON.parse((await redis.hget(conn.keys.persistentSchedules, "sh"))!).cron).toBe("0 3 * * * Asia/Shanghai");
    const [info] = await listSchedules(conn, { nowMs: utc("2026-11-29T01:00:00Z") });
    expect(info).toMatchObject({
      cron: "0 3 * * *",
      timezone: "Asia/Shanghai",
      nextRunMs: utc("2026-11-29T19:00:00Z"),
    });
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T01:00:00Z") });
    expect((await fireDueSchedules(conn, { nowMs: utc("2026-11-29T18:59:59Z") })).fired).toEqual([]);
    expect((await fireDueSchedules(conn, { nowMs: utc("2026-11-29T19:00:00Z") })).fired.map((f) => f.slotMs)).toEqual([
      utc("2026-11-29T19:00:00Z"),
    ]);
  });
});

describe("runScheduleNow and legacy entries", () => {
  it("runs an entry now without moving its slot, and records it as the last run", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await saveSchedule(
      conn,
      { name: "r", className: "Reports\\Nightly", every: "1d", args: { day: "2026-01-01" } },
      { registry },
    );
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:00:00Z") });
    const slot = await redis.hget(k.scheduleLastSlot, "r");
    const job = await runScheduleNow(conn, "r", { registry, nowMs: utc("2026-11-29T10:05:00Z") });
    expect(job).toMatchObject({ name: "r", queue: "reports", class: "Reports\\Nightly" });
    expect(await queued(conn, "reports")).toEqual([job!.payload]);
    expect(JSON.parse(job!.payload).args).toEqual([{ day: "2026-01-01" }]);
    expect(await redis.hget(k.scheduleLastSlot, "r")).toBe(slot);
    // A run now is a run: "Last run" says when, in the format a regular firing writes.
    expect(await redis.hget(k.lastEnqueuedAt, "r")).toBe("2026-11-29 10:05:00 +0000");
    expect(await runScheduleNow(conn, "missing")).toBeNull();
  });

  it("lists RS ≤ 4.1's schedules hash read-only and fires it only when asked", async () => {
    const { conn } = fresh();
    const k = conn.keys;
    await redis.hset(
      k.legacySchedules,
      "old",
      '{"class":"Legacy::Job","every":"1m","queue":"legacy","args":{"a":1}}',
      "both",
      '{"class":"Legacy::Shadowed","every":"1m","queue":"legacy"}',
    );
    await saveSchedule(conn, { name: "both", className: "Current", every: "1m", queue: "current" });
    const list = await listSchedules(conn, { nowMs: utc("2026-11-29T10:00:30Z") });
    expect(list.map((s) => [s.name, s.source, s.className])).toEqual([
      ["both", "persistent", "Current"],
      ["old", "legacy", "Legacy::Job"],
    ]);
    const e = await rejection(setScheduleEnabled(conn, "old", false));
    expect(e.message).toMatch(/legacy .* read-only/);
    await rejection(deleteSchedule(conn, "old"));
    expect(await redis.hget(k.legacySchedules, "old")).not.toBeNull();

    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:00:30Z") });
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:01:30Z") });
    expect(await queued(conn, "legacy")).toEqual([]);
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:02:30Z"), includeLegacy: true });
    await fireDueSchedules(conn, { nowMs: utc("2026-11-29T10:03:30Z"), includeLegacy: true });
    const legacyJobs = (await queued(conn, "legacy")).map((p) => JSON.parse(p));
    expect(legacyJobs).toHaveLength(1);
    expect(legacyJobs[0]).toMatchObject({ class: "Legacy::Job", args: [{ a: 1 }] });
    expect(await queued(conn, "current")).toHaveLength(3);
  });
});
