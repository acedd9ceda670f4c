/**
 * Cron and `every` in words ("every night at 03:00", "every 5 minutes"), for the patterns people
 * actually write; anything else answers null and the page shows the expression alone, because a
 * wrong sentence beside a cron is worse than none. Pure (no Redis, no React): server and client
 * render the same text.
 */
import { translator, type Locale } from "@/lib/i18n";

const NICKNAMES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** A plain number in [lo, hi] (names allowed for days and months), else null. */
function num(field: string, lo: number, hi: number, names?: string[]): number | null {
  const upper = field.toUpperCase();
  const byName = names ? names.indexOf(upper) : -1;
  const n = byName >= 0 ? byName + (names === MONTH_NAMES ? 1 : 0) : /^\d{1,2}$/.test(field) ? Number(field) : NaN;
  return Number.isInteger(n) && n >= lo && n <= hi ? n : null;
}

/** A comma list of plain numbers (ranges `a-b` expanded), sorted and unique, else null. */
function list(field: string, lo: number, hi: number, names?: string[]): number[] | null {
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const range = /^(\w+)-(\w+)$/.exec(part);
    if (range) {
      const a = num(range[1]!, lo, hi, names);
      const b = num(range[2]!, lo, hi, names);
      if (a === null || b === null || b < a) return null;
      for (let i = a; i <= b; i++) out.add(i);
    } else {
      const n = num(part, lo, hi, names);
      if (n === null) return null;
      out.add(n);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** `*\/n` where n divides `cycle` evenly (so the gaps really are equal), else null. */
function step(field: string, cycle: number): number | null {
  const m = /^\*\/(\d{1,2})$/.exec(field);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && cycle % n === 0 ? n : null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The words for a cron pattern (5 fields, or 6 with a leading `0` seconds field, or `@daily`
 * and friends), in the schedule's own zone; null for patterns it does not know how to say.
 */
export function describeCron(locale: Locale, pattern: string): string | null {
  const t = translator(locale);
  let fields = (NICKNAMES[pattern.trim().toLowerCase()] ?? pattern).trim().split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== "0") return null;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return null;
  const [min, hour, dom, month, rawDow] = fields as [string, string, string, string, string];
  const dow = rawDow === "?" ? "*" : rawDow;
  const everyDay = dom === "*" && month === "*";
  const join = (items: string[]) => new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(items);

  if (everyDay && dow === "*") {
    if (min === "*" && hour === "*") return t("schedules.cron.everyMinute");
    const minStep = step(min, 60);
    if (minStep !== null && hour === "*")
      return minStep === 1 ? t("schedules.cron.everyMinute") : t("schedules.cron.everyNMinutes", { n: minStep });
    const m = num(min, 0, 59);
    if (m !== null && hour === "*")
      return m === 0 ? t("schedules.cron.everyHour") : t("schedules.cron.everyHourAt", { mm: pad(m) });
    const hourStep = step(hour, 24);
    if (m !== null && hourStep !== null) {
      if (hourStep === 1)
        return m === 0 ? t("schedules.cron.everyHour") : t("schedules.cron.everyHourAt", { mm: pad(m) });
      return m === 0
        ? t("schedules.cron.everyNHours", { n: hourStep })
        : t("schedules.cron.everyNHoursAt", { n: hourStep, mm: pad(m) });
    }
  }

  // From here on: fixed times of day.
  const m = num(min, 0, 59);
  const hours = list(hour, 0, 23);
  if (m === null || hours === null || hours.length > 6) return null;
  const time = join(hours.map((h) => `${pad(h)}:${pad(m)}`));

  if (everyDay) {
    if (dow === "*")
      return hours.length === 1 && hours[0]! < 6
        ? t("schedules.cron.nightly", { time })
        : t("schedules.cron.daily", { time });
    // 7 is Sunday too.
    const days = list(dow, 0, 7, DAY_NAMES)?.map((d) => d % 7);
    if (!days) return null;
    const set = [...new Set(days)].sort((a, b) => a - b);
    const key = set.join(",");
    if (key === "1,2,3,4,5") return t("schedules.cron.weekdays", { time });
    if (key === "0,6") return t("schedules.cron.weekends", { time });
    if (key === "0,1,2,3,4,5,6") return t("schedules.cron.daily", { time });
    // Monday first, as people list working days.
    const names = [...set.filter((d) => d !== 0), ...set.filter((d) => d === 0)].map((d) =>
      // 2023-01-01 was a Sunday.
      new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2023, 0, 1 + d)),
    );
    return t("schedules.cron.weekly", { days: join(names), time });
  }

  if (dow !== "*") return null;
  const days = list(dom, 1, 31);
  if (!days || days.length > 4) return null;
  if (month === "*") return t("schedules.cron.monthly", { days: join(days.map(String)), time });
  const mo = num(month, 1, 12, MONTH_NAMES);
  if (mo === null || days.length !== 1) return null;
  const date = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }).format(
    Date.UTC(2024, mo - 1, days[0]!),
  );
  return t("schedules.cron.yearly", { date, time });
}

/** An interval in words: the largest unit that divides it ("every 15 minutes", "every 36 hours"). */
export function describeEvery(locale: Locale, ms: number): string {
  const t = translator(locale);
  const sec = ms / 1000;
  if (sec % 86_400 === 0)
    return sec === 86_400 ? t("schedules.cron.everyDay") : t("schedules.cron.everyNDays", { n: sec / 86_400 });
  if (sec % 3600 === 0)
    return sec === 3600 ? t("schedules.cron.everyHour") : t("schedules.cron.everyNHours", { n: sec / 3600 });
  if (sec % 60 === 0)
    return sec === 60 ? t("schedules.cron.everyMinute") : t("schedules.cron.everyNMinutes", { n: sec / 60 });
  return sec === 1 ? t("schedules.cron.everySecond") : t("schedules.cron.everyNSeconds", { n: sec });
}
