import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BaseJob,
  InvalidScheduleError,
  JobRegistry,
  argsArrayFromConfig,
  buildScheduleConfig,
  compileCron,
  configArgsForValue,
  cronNextAfter,
  cronSlotAt,
  decodeSchedule,
  formatEvery,
  formatRubyTime,
  parseEvery,
  parseResqueDate,
  scheduleNextAfter,
  scheduleSlotAt,
  splitCronZone,
} from "@/lib/resque";

const rb = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../fixtures/ruby-resque.json"), "utf8"),
) as Record<string, string>;
const utc = (iso: string) => Date.parse(iso);

function thrown(fn: () => unknown): InvalidScheduleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidScheduleError);
    return e as InvalidScheduleError;
  }
  throw new Error("expected an InvalidScheduleError");
}

describe("parseEvery reads resque-scheduler / rufus durations", () => {
  it.each([
    ["10s", 10_000, true],
    ["1m", 60_000, true],
    ["2h", 7_200_000, true],
    ["1d", 86_400_000, true],
    ["1w", 604_800_000, true],
    ["1M", 30 * 86_400_000, true],
    ["1y", 365 * 86_400_000, true],
    ["1h30m", 5_400_000, true],
    ["1.5h", 5_400_000, true],
    ["90", 90_000, true],
    ["15mins", 900_000, false],
    ["15 minutes", 900_000, false],
    ["2 hours", 7_200_000, false],
    ["1 day", 86_400_000, false],
    ["30secs", 30_000, false],
    [" 10s ", 10_000, true],
  ])("%j → %i ms (rufus syntax: %s)", (text, ms, rufus) => {
    expect(parseEvery(text)).toEqual({ ms, rufus });
  });

  it.each(["", "abc", "10x", "-5s", "0s", "1ms", "s", "10 s s", "1h-5m"])("rejects %j", (text) => {
    expect(parseEvery(text)).toBeNull();
  });

  it("formats durations the way rufus writes them, so Ruby can read what we store", () => {
    expect(formatEvery(900_000)).toBe("15m");
    expect(formatEvery(5_400_000)).toBe("1h30m");
    expect(formatEvery(10_000)).toBe("10s");
    expect(formatEvery(86_400_000)).toBe("1d");
    expect(formatEvery(30 * 86_400_000)).toBe("4w2d");
    expect(formatEvery(1_500)).toBe("1.5s");
    for (const ms of [1_000, 61_000, 3_723_000, 90 * 86_400_000])
      expect(parseEvery(formatEvery(ms))).toEqual({ ms, rufus: true });
  });
});

describe("splitCronZone takes rufus-scheduler's trailing zone token off a cron string", () => {
  it.each([
    ["0 3 * * * Asia/Shanghai", "0 3 * * *", "Asia/Shanghai"],
    ["0 3 * * *", "0 3 * * *", undefined],
    ["0 3 * * MON-FRI/2", "0 3 * * MON-FRI/2", undefined],
    ["0 3 * * mon", "0 3 * * mon", undefined],
    ["0 0 3 * * * America/Argentina/Buenos_Aires", "0 0 3 * * *", "America/Argentina/Buenos_Aires"],
    ["*/5 * * * * UTC", "*/5 * * * *", "UTC"],
    ["  0  3 * * *   Etc/GMT+8 ", "0 3 * * *", "Etc/GMT+8"],
    ["@daily Europe/Paris", "@daily", "Europe/Paris"],
    ["0 3 * * * Mars/Olympus", "0 3 * * *", "Mars/Olympus"],
  ])("%j", (expr, pattern, timezone) => {
    expect(splitCronZone(expr)).toEqual(timezone ? { pattern, timezone } : { pattern });
  });
});

describe("compileCron", () => {
  it("evaluates in the written zone: 03:00 in Shanghai is 19:00 UTC the day before", () => {
    const c = compileCron("0 3 * * * Asia/Shanghai");
    expect(c.timezone).toBe("Asia/Shanghai");
    expect(cronNextAfter(c, utc("2026-11-29T01:00:00Z"))).toBe(utc("2026-11-29T19:00:00Z"));
    expect(cronSlotAt(c, utc("2026-11-29T01:00:00Z"))).toBe(utc("2026-11-28T19:00:00Z"));
  });

  it("defaults to UTC and counts an occurrence exactly at now as the current slot", () => {
    const c = compileCron("0 * * * *");
    expect(c.effectiveTimezone).toBe("UTC");
    expect(cronSlotAt(c, utc("2026-11-29T10:00:00Z"))).toBe(utc("2026-11-29T10:00:00Z"));
    expect(cronSlotAt(c, utc("2026-11-29T09:59:59.999Z"))).toBe(utc("2026-11-29T09:00:00Z"));
    expect(cronNextAfter(c, utc("2026-11-29T10:00:00Z"))).toBe(utc("2026-11-29T11:00:00Z"));
  });

  it("accepts a sixth, leading seconds field like rufus", () => {
    const c = compileCron("*/10 * * * * *");
    expect(cronSlotAt(c, utc("2026-11-29T10:00:25Z"))).toBe(utc("2026-11-29T10:00:20Z"));
  });

  it("refuses with croner's reason, or a readable zone message", () => {
    expect(thrown(() => compileCron("61 * * * *")).message).toBe(
      'Invalid cron expression "61 * * * *": Invalid value for minute: 61',
    );
    expect(thrown(() => compileCron("* * * *")).field).toBe("cron");
    expect(thrown(() => compileCron("0 0 3 * * * 2026")).message).toMatch(
      /^Invalid cron expression "0 0 3 \* \* \* 2026": .*5 or 6 parts/,
    );
    const zone = thrown(() => compileCron("0 3 * * * Mars/Olympus"));
    expect(zone.field).toBe("timezone");
    expect(zone.message).toBe('Unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Shanghai" or "UTC"');
  });
});

describe("args and dates", () => {
  it("builds payload args like RS's enqueue_from_config", () => {
    expect(argsArrayFromConfig({ n: 1 })).toEqual([{ n: 1 }]);
    expect(argsArrayFromConfig([{ n: 1 }, 2])).toEqual([{ n: 1 }, 2]);
    expect(argsArrayFromConfig(undefined)).toEqual([]);
    expect(argsArrayFromConfig(null)).toEqual([]);
    expect(argsArrayFromConfig("x")).toEqual(["x"]);
  });

  it("stores a php-style value so that RS and we both fire args [value]", () => {
    for (const v of [{ a: 1 }, [1, 2], null, "s", 3]) expect(argsArrayFromConfig(configArgsForValue(v))).toEqual([v]);
  });

  it("writes last_enqueued_at in Ruby's Time#to_s form, readable by parseResqueDate", () => {
    const ms = utc("2026-11-29T01:45:21Z");
    expect(formatRubyTime(ms)).toBe(rb.last_enqueued_at_value);
    expect(parseResqueDate(formatRubyTime(ms))).toMatchObject({ ms, zoneKnown: true });
  });
});

describe("decodeSchedule", () => {
  it("reads the Ruby fixtures", () => {
    const every = decodeSchedule("ruby_every_10s", rb.persistent_schedule_every!, "persistent");
    expect(every).toMatchObject({
      className: "RubyInterop::OkJob",
      every: "10s",
      everyMs: 10_000,
      queue: "ruby_cron",
      argsArray: [{ n: "every" }],
      description: "fires every 10 s",
      enabled: true,
    });
    expect(every.error).toBeUndefined();
    expect(scheduleSlotAt(every, utc("2026-11-29T01:45:25.5Z"))).toBe(utc("2026-11-29T01:45:20Z"));
    expect(scheduleNextAfter(every, utc("2026-11-29T01:45:25.5Z"))).toBe(utc("2026-11-29T01:45:30Z"));
    const cron = decodeSchedule("ruby_nightly", rb.persistent_schedule_cron!, "persistent");
    expect(cron).toMatchObject({ cron: "0 3 * * *", argsArray: [{ n: "nightly" }], args: { n: "nightly" } });
    expect(cron.timezone).toBeUndefined();
    expect(scheduleNextAfter(cron, utc("2026-11-29T01:45:25Z"))).toBe(utc("2026-11-29T03:00:00Z"));
  });

  it("reads RS's [interval, {options}] form, a missing class, env restrictions and our enabled flag", () => {
    const d = decodeSchedule(
      "MakeTea",
      '{"every":["1h",{"first_in":"10m"}],"queue":"q","rails_env":"production, staging","enabled":false}',
      "legacy",
    );
    expect(d).toMatchObject({
      className: "MakeTea",
      every: "1h",
      everyMs: 3_600_000,
      env: ["production", "staging"],
      enabled: false,
      source: "legacy",
    });
  });

  it("never throws: bad entries carry an error", () => {
    expect(decodeSchedule("x", "not json", "persistent").error).toBe("config is not valid JSON");
    expect(decodeSchedule("x", "[1]", "persistent").error).toBe("config is not a JSON object");
    expect(decodeSchedule("x", '{"class":"A","queue":"q"}', "persistent").error).toBe(
      "config has neither cron nor every",
    );
    expect(decodeSchedule("x", '{"class":"A","queue":"q","cron":"99 * * * *"}', "persistent").error).toMatch(
      /^Invalid cron expression/,
    );
    expect(decodeSchedule("x", '{"class":"A","queue":"q","every":"soon"}', "persistent").error).toBe(
      'Invalid every interval "soon"',
    );
    expect(decodeSchedule("x", '{"class":"A","every":"1m"}', "persistent").error).toMatch(/^no queue/);
    const fallback = decodeSchedule("x", '{"class":"A","every":"1m"}', "persistent", { queueOfClass: () => "mail" });
    expect(fallback.queue).toBe("mail");
    expect(fallback.error).toBeUndefined();
  });
});

class ReportJob extends BaseJob<{ day: string }> {
  static names = ["Reports\\Daily"];
  static queue = "reports";
  static schema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD") });
  perform() {}
}

describe("buildScheduleConfig", () => {
  const registry = new JobRegistry([ReportJob]);

  it("writes RS's key order, the zone inside the cron string, and php-style args", () => {
    const c = buildScheduleConfig(
      {
        name: "r",
        className: "Reports\\Daily",
        cron: "0 3 * * *",
        timezone: "Asia/Shanghai",
        args: { day: "2026-01-01" },
        description: "d",
      },
      { registry },
    );
    expect(JSON.stringify(c)).toBe(
      '{"class":"Reports\\\\Daily","cron":"0 3 * * * Asia/Shanghai","queue":"reports","args":{"day":"2026-01-01"},"description":"d"}',
    );
    const e = buildScheduleConfig({ name: "e", className: "X", every: "15mins", queue: "q" });
    expect(JSON.stringify(e)).toBe('{"class":"X","every":"15m","queue":"q","args":{}}');
    expect(
      buildScheduleConfig({ name: "p", className: "X", every: "1h30m", argsArray: ["a", 1], enabled: false } as never, {
        enabled: false,
      }),
    ).toEqual({ class: "X", every: "1h30m", queue: "default", args: ["a", 1], enabled: false });
  });

  it.each([
    [
      { name: "", className: "X", every: "1m" },
      "name",
      "Schedule name must be 1–200 characters without control characters",
    ],
    [
      { name: "a\nb", className: "X", every: "1m" },
      "name",
      "Schedule name must be 1–200 characters without control characters",
    ],
    [
      { name: "x".repeat(201), className: "X", every: "1m" },
      "name",
      "Schedule name must be 1–200 characters without control characters",
    ],
    [{ name: "n", className: " ", every: "1m" }, "class", "Job class is required"],
    [{ name: "n", className: "X" }, "cron", "A schedule needs a cron expression or an every interval"],
    [
      { name: "n", className: "X", cron: "* * * * *", every: "1m" },
      "cron",
      "Give either a cron expression or an every interval, not both",
    ],
    [
      { name: "n", className: "X", every: "often" },
      "every",
      'Invalid every interval "often": use a duration such as "10s", "15m", "2h" or "1d"',
    ],
    [{ name: "n", className: "X", every: "0.5s" }, "every", 'The every interval "0.5s" is shorter than 1 second'],
    [
      { name: "n", className: "X", cron: "0 0 31 2 *" },
      "cron",
      'Cron expression "0 0 31 2 *" never matches a future date',
    ],
    [
      { name: "n", className: "X", cron: "0 3 * * * UTC", timezone: "Asia/Shanghai" },
      "timezone",
      'The cron expression already names the time zone "UTC"',
    ],
    [
      { name: "n", className: "X", cron: "0 3 * * *", timezone: "Nowhere/City" },
      "timezone",
      'Unknown time zone "Nowhere/City": use an IANA name such as "Asia/Shanghai" or "UTC"',
    ],
    [
      { name: "n", className: "X", every: "1m", queue: "a b" },
      "queue",
      expect.stringMatching(/^Invalid queue name "a b"/),
    ],
  ])("refuses %j", (input, field, message) => {
    const e = thrown(() => buildScheduleConfig(input));
    expect(e.field).toBe(field);
    expect(e.message).toEqual(message);
  });

  it("checks the class and its schema when a registry is given", () => {
    expect(thrown(() => buildScheduleConfig({ name: "n", className: "Nope", every: "1m" }, { registry })).message).toBe(
      'No job class is registered under the name "Nope"',
    );
    expect(
      buildScheduleConfig({ name: "n", className: "Nope", every: "1m" }, { registry, allowUnknownClass: true }),
    ).toMatchObject({ class: "Nope", queue: "default" });
    const bad = thrown(() =>
      buildScheduleConfig(
        { name: "n", className: "Reports\\Daily", every: "1d", args: { day: "tomorrow" } },
        { registry },
      ),
    );
    expect(bad.field).toBe("args");
    expect(bad.message).toBe("Invalid args for Reports\\Daily: day: expected YYYY-MM-DD");
  });
});
