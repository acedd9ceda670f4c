/**
 * Times measured from the clock the test runs under: the next run of a recurring schedule, the
 * wording of relative times, the local stamp in an export's file name. Each expected value is
 * worked out here from ICU's wall clock, not through the engine or croner.
 *
 * The moved-clock projects of vitest.config.ts run this file (with the other date, schedule and
 * duration tests) at a month end, a leap day and both daylight-saving changes of New York, in
 * zones far east and west of UTC; the plain unit project runs it at today's date in the
 * machine's zone.
 */
import { describe, expect, it } from "vitest";
import { formatAgo, formatRelative } from "@/lib/format";
import { newExportFileName } from "@/lib/export";
import { translator } from "@/lib/i18n";
import { compileCron, cronNextAfter, cronSlotAt } from "@/lib/resque";

const MIN = 60_000;
const HOUR = 60 * MIN;
const t = translator("en");
const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const formats = new Map<string, Intl.DateTimeFormat>();
/** The wall clock in `zone` at `ms`: its date, and the minute of that day. */
function wall(ms: number, zone: string): { date: string; minute: number; stamp: string } {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    minute: Number(p.hour) * 60 + Number(p.minute),
    stamp: `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`,
  };
}

/**
 * Vixie cron's rule for a daily hh:mm in `zone`, found minute by minute: the first minute after
 * `fromMs` whose wall clock reads hh:mm, but not the second reading of a repeated hour (that day
 * has run); on a day whose clock jumps over hh:mm, the first minute after the jump.
 */
function nextDaily(fromMs: number, zone: string, hh: number, mm: number): number {
  const target = hh * 60 + mm;
  const start = Math.floor(fromMs / MIN) * MIN;
  let prev = wall(start, zone);
  // A daily run is at most 25 h away (a day that falls back is 25 h long).
  for (let m = start + MIN; m <= start + 26 * HOUR; m += MIN) {
    const w = wall(m, zone);
    if (w.date === prev.date && prev.minute < target && w.minute > target) return m;
    if (w.minute === target) {
      const readBefore = [30, 60, 120].some((back) => {
        const e = wall(m - back * MIN, zone);
        return e.date === w.date && e.minute === target;
      });
      if (!readBefore) return m;
    }
    prev = w;
  }
  throw new Error(`no ${hh}:${mm} in ${zone} within 26 h of ${new Date(fromMs).toISOString()}`);
}

/** The machine's zone (set per project), and zones with and without offset changes, a 30-min one among them. */
const ZONES = ["UTC", processZone, "America/New_York", "Europe/London", "Asia/Shanghai", "Australia/Lord_Howe"];
const DAILY: [number, number][] = [
  [0, 0],
  [1, 30],
  [2, 30],
  [3, 0],
  [23, 59],
];
/** From now, and from instants around now, so a change of day, month or offset near the clock is crossed. */
const OFFSETS = [0, 1, 61, 3 * 60, 23 * 60].map((m) => m * MIN);

describe(`with the clock at ${new Date().toISOString()} in ${processZone}`, () => {
  it("a daily cron's next run is the wall-clock time asked for, in its own zone, once a day across offset changes", () => {
    const now = Date.now();
    const wrong: string[] = [];
    for (const zone of new Set(ZONES)) {
      for (const [hh, mm] of DAILY) {
        const cron = compileCron(`${mm} ${hh} * * * ${zone}`);
        for (const off of OFFSETS) {
          const from = now + off;
          const expected = nextDaily(from, zone, hh, mm);
          const got = cronNextAfter(cron, from);
          if (got !== expected)
            wrong.push(
              `${mm} ${hh} ${zone} from ${new Date(from).toISOString()}: ${got && new Date(got).toISOString()} ≠ ${new Date(expected).toISOString()}`,
            );
          // The slot in force is the run before the next one: never later than now, never a day skipped.
          const slot = cronSlotAt(cron, from);
          if (slot === null || slot > from || got! - slot > 25 * HOUR)
            wrong.push(`${mm} ${hh} ${zone} slot at ${new Date(from).toISOString()}: ${slot}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("the next run is worded by its distance from now, whatever day, month or offset lies between", () => {
    const now = Date.now();
    const cron = compileCron(`0 0 * * * ${processZone}`);
    const next = cronNextAfter(cron, now)!;
    const words = formatRelative(t, next - now);
    // Local midnight is never more than 25 h away (a day that falls back is 25 h long).
    expect(words).toMatch(/^(in \d+ (seconds?|minutes?|hours?|day)|now)$/);
    const n = Number(/\d+/.exec(words)?.[0] ?? 0);
    const unit = words.includes(" day")
      ? 24 * HOUR
      : words.includes(" hour")
        ? HOUR
        : words.includes(" minute")
          ? MIN
          : 1000;
    expect(Math.abs(n * unit - (next - now))).toBeLessThanOrEqual(unit / 2 + 1000);
  });

  it("a time in the past is worded by how long ago it was, not by the calendar", () => {
    const now = Date.now();
    // Each crosses the local midnight (and maybe a month end) for some clocks; the words never change.
    const cases: [number, string][] = [
      [3 * 1000, "3 seconds ago"],
      [90 * 1000, "2 minutes ago"],
      [10 * MIN, "10 minutes ago"],
      [3 * HOUR + 10 * MIN, "3 hours ago"],
      [30 * HOUR, "1 day ago"],
      [3 * 24 * HOUR, "3 days ago"],
      [31 * 24 * HOUR, "1 month ago"],
    ];
    for (const [ago, words] of cases) expect(formatAgo(t, now - (now - ago)), words).toBe(words);
    for (const [ago, words] of cases) expect(formatRelative(t, now - ago - now), words).toBe(words);
  });

  it("an export's file name carries the local wall-clock time of the process's zone", () => {
    const before = Date.now();
    const name = newExportFileName(new Date(before));
    expect(name.slice("export_".length, "export_".length + 14)).toBe(wall(before, processZone).stamp);
  });
});
