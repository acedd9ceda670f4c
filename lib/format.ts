/**
 * Display formatting shared by server and client components, and by the export's CSV (prices):
 * times, counts and prices, one formatter each (no runtime imports beyond i18n).
 */
import type { Translate } from "./i18n";

/**
 * Times are shown in the reader's zone. The server does not know it, so server HTML and the first
 * (hydrating) render use UTC and the browser re-renders in its own zone after mount
 * (components/when.tsx's useTimeZone); every absolute time takes that zone.
 */
export const UTC = "UTC";

/** "00"–"99", for dates and cents. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

const wallCache = new Map<string, Intl.DateTimeFormat>();
function wallFormat(zone: string): Intl.DateTimeFormat {
  let f = wallCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    wallCache.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` as numbers, plus the zone's short name ("GMT+8", "EST"). */
function wallParts(ms: number, zone: string) {
  const p = Object.fromEntries(
    wallFormat(zone)
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return {
    y: Number(p.year),
    mo: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    mi: Number(p.minute),
    s: Number(p.second),
    name: String(p.timeZoneName),
  };
}

/**
 * "2026-11-29 10:42:07 UTC", or in another zone "2026-11-29 18:42:07 GMT+8"; "–" when unknown.
 * An unknown zone name falls back to UTC rather than throwing in the middle of a page.
 */
export function formatTime(ms: number | undefined, zone: string = UTC): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  if (zone !== UTC) {
    try {
      const w = wallParts(ms, zone);
      return `${w.y}-${TWO[w.mo]}-${TWO[w.d]} ${TWO[w.h]}:${TWO[w.mi]}:${TWO[w.s]} ${w.name}`;
    } catch {
      // fall through to UTC
    }
  }
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * "2026-11-30 03:00 Asia/Shanghai": to the minute on the wall clock of `zone`, named as given (a
 * schedule's own zone, where seconds mean nothing). An unknown zone falls back to formatTime's UTC.
 */
export function formatInZone(ms: number, zone: string): string {
  try {
    const w = wallParts(ms, zone);
    return `${w.y}-${TWO[w.mo]}-${TWO[w.d]} ${TWO[w.h]}:${TWO[w.mi]} ${zone}`;
  } catch {
    return formatTime(ms);
  }
}

/** The zone's offset from UTC at the instant `ms`, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(ms: number, zone: string): number {
  const w = wallParts(ms, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

/** A datetime-local input's value for `ms` on the wall clock of `zone` ("2026-11-29T18:42:07"). */
export function zonedInputValue(ms: number, zone: string = UTC): string {
  return new Date(ms + (zone === UTC ? 0 : zoneOffsetMs(ms, zone))).toISOString().slice(0, 19);
}

/**
 * A datetime-local value ("2026-11-29T18:42" or with seconds) read on the wall clock of `zone`, as
 * epoch ms; null when it is not a real date.
 */
export function zonedInputToMs(text: string, zone: string = UTC): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(wall);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return null;
  if (zone === UTC) return wall;
  // The zone's offsets a day before and after: a wall time that one of them gives back is a real
  // one (the earlier, when a fall-back makes it happen twice); none means a spring-forward skipped
  // it, and the offset before the jump is used (as browsers do for new Date("…T02:30")).
  const before = wall - zoneOffsetMs(wall - 86_400_000, zone);
  const after = wall - zoneOffsetMs(wall + 86_400_000, zone);
  const real = [before, after].filter((ms) => zonedInputValue(ms, zone) === new Date(wall).toISOString().slice(0, 19));
  return real.length ? Math.min(...real) : before;
}

/**
 * Durations rolled up to the largest unit that still reads as a whole number or near it: 856.9 s
 * is "14 min", 7,200 s "2 h", 1,125 days "3 years". Each unit holds until the next one is reached
 * (months as 30.44 days, years as 365.25), and a value that rounds up to the next unit is said in it.
 */
const UNITS: [Intl.RelativeTimeFormatUnit & Intl.NumberFormatOptions["unit"], number][] = [
  ["second", 1],
  ["minute", 60],
  ["hour", 3600],
  ["day", 86_400],
  ["month", 2_629_800],
  ["year", 31_557_600],
];

/** The unit and value for `seconds` (≥ 0); `digits` decimals are kept below 10 of the unit. */
function rollUp(seconds: number, digits: number): { unit: (typeof UNITS)[number][0]; value: number } {
  for (let i = 0; ; i++) {
    const [unit, size] = UNITS[i]!;
    const next = UNITS[i + 1];
    const raw = seconds / size;
    const scale = raw < 10 ? 10 ** digits : 1;
    const value = Math.round(raw * scale) / scale;
    if (!next || value * size < next[1]) return { unit, value };
  }
}

/** The Intl locale of a translator: each language's messages name it ("en", "zh-CN"). */
export function localeOf(t: Translate): string {
  return t("time.locale");
}

const numberCache = new Map<string, Intl.NumberFormat>();
const relativeCache = new Map<string, Intl.RelativeTimeFormat>();
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (!v) cache.set(key, (v = make()));
  return v;
}

/** "14 min", "2 hr", "0.3 sec" / "14分钟", "2小时": how long something took or waits, in Intl's words. */
export function formatDuration(t: Translate, ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const locale = localeOf(t);
  const { unit, value } = rollUp(Math.abs(ms) / 1000, 1);
  const f = cached(
    numberCache,
    `${locale}:${unit}`,
    () => new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }),
  );
  return f.format(value);
}

function relative(t: Translate, deltaMs: number): string {
  const locale = localeOf(t);
  const { unit, value } = rollUp(Math.abs(deltaMs) / 1000, 0);
  const f = cached(relativeCache, locale, () => new Intl.RelativeTimeFormat(locale, { numeric: "always" }));
  return f.format(deltaMs < 0 ? -value : value, unit);
}

/** "3 minutes ago" / "3分钟前"; "just now" under 2 s. For "updated …" labels and things that happened. */
export function formatAgo(t: Translate, ms: number): string {
  if (ms < 2000) return t("time.justNow");
  return relative(t, -ms);
}

/** "in 3 minutes" for the future, "3 minutes ago" for the past, rolled up ("in 2 hours", "in 3 years"). */
export function formatRelative(t: Translate, deltaMs: number): string {
  if (deltaMs < 0) return formatAgo(t, -deltaMs);
  if (deltaMs < 2000) return t("delayed.in.now");
  return relative(t, deltaMs);
}

/**
 * "3 minutes ago · 2026-11-29 04:42:07 UTC": relative for a glance, absolute with its zone to be sure.
 * `nowMs` is the clock the data was read by (the server's, or Redis's), so the server's HTML and
 * the hydrated page say the same thing. A time that may lie ahead (a delayed job's due time)
 * passes `{ ahead: true }` and reads "in 3 minutes · …"; otherwise it is the time of something that
 * happened, and a stamp slightly ahead of `nowMs` (another machine's clock) reads "just now".
 * `zone` is the reader's (useTimeZone), UTC until the browser has said it.
 */
export function formatWhen(
  t: Translate,
  ms: number,
  nowMs: number,
  opts: { ahead?: boolean; zone?: string } = {},
): string {
  const rel = opts.ahead ? formatRelative(t, ms - nowMs) : formatAgo(t, nowMs - ms);
  return `${rel} · ${formatTime(ms, opts.zone)}`;
}

/**
 * "3 minutes ago · 2026-11-29 04:42:07 UTC", or the raw string when it could not be read. Ages are
 * measured against `nowMs` (the Redis clock at the read); the absolute time is in `zone`.
 */
export function formatStamp(
  t: Translate,
  d: { ms: number | null; raw: string } | undefined,
  nowMs: number,
  zone: string = UTC,
): string {
  if (!d) return "–";
  if (d.ms === null) return d.raw || "–";
  return formatWhen(t, d.ms, nowMs, { zone });
}

/**
 * A price in cents as yuan with two decimals: 1250 → "12.50" (the pages add "¥"; the CSV export
 * writes it bare, as `printf('%.2f')` would). A table lookup, not toFixed: the export formats a
 * million of these.
 */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100);
  return `${whole}.${TWO[cents - whole * 100]}`;
}

/**
 * Characters that reorder or split text without being seen: bidi embeddings, overrides and
 * isolates, the LRM/RLM marks, the line and paragraph separators, and NUL (which HTML turns into
 * U+FFFD on one side of hydration only).
 */
const HIDDEN_CONTROLS = /[\u0000\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a stored record as it may be shown: every hidden control as a visible ⟨U+202E⟩
 * marker (so `Invoice\u202egpj.exe` cannot read as "Invoiceexe.jpg"), and lone surrogates as
 * U+FFFD so the server's HTML and the browser's render agree (React error #418 otherwise).
 * Every place that renders record text goes through here.
 */
export function recordText(s: string): string {
  const text = s.isWellFormed() ? s : s.toWellFormed();
  return text.replace(HIDDEN_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}

/**
 * Workers by process (host and pid), each process's concurrency slots together in slot order,
 * with how many are busy: the Workers page's and `status`'s "slots busy/free per process".
 */
export function workerProcesses<W extends { host: string; pid: string; slot?: number; job?: unknown }>(
  workers: W[],
): { host: string; pid: string; slots: W[]; busy: number; free: number }[] {
  const m = new Map<string, W[]>();
  for (const w of workers) m.set(`${w.host}:${w.pid}`, [...(m.get(`${w.host}:${w.pid}`) ?? []), w]);
  return [...m.values()].map((slots) => {
    slots.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
    const busy = slots.filter((w) => w.job).length;
    return { host: slots[0]!.host, pid: slots[0]!.pid, slots, busy, free: slots.length - busy };
  });
}
