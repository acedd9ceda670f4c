/**
 * Display formatting shared by server and client components, and by the export's CSV (prices):
 * times, counts and prices, one formatter each (no runtime imports beyond i18n).
 */
import { formatAgo, type MessageKey, type Translate } from "./i18n";

/** "2026-11-29 10:42:07 UTC", or "–" when unknown. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "in 3 min" for the future, "3 min ago" for the past. */
export function formatRelative(t: Translate, deltaMs: number): string {
  if (deltaMs < 0) return formatAgo(t, -deltaMs);
  const s = Math.round(deltaMs / 1000);
  if (s < 2) return t("delayed.in.now");
  if (s < 120) return t("delayed.in.seconds", { n: s });
  if (s < 7200) return t("delayed.in.minutes", { n: Math.round(s / 60) });
  if (s < 172_800) return t("delayed.in.hours", { n: Math.round(s / 3600) });
  return t("delayed.in.days", { n: Math.round(s / 86_400) });
}

/**
 * "3 min ago · 2026-11-29 04:42:07 UTC": relative for a glance, absolute with its zone to be sure.
 * `nowMs` is the clock the data was read by (the server's, or Redis's), so the server's HTML and
 * the hydrated page say the same thing. A time that may lie ahead (a delayed job's due time)
 * passes `{ ahead: true }` and reads "in 3 min · …"; otherwise it is the time of something that
 * happened, and a stamp slightly ahead of `nowMs` (another machine's clock) reads "just now".
 */
export function formatWhen(t: Translate, ms: number, nowMs: number, opts: { ahead?: boolean } = {}): string {
  const relative = opts.ahead ? formatRelative(t, ms - nowMs) : formatAgo(t, nowMs - ms);
  return `${relative} · ${formatTime(ms)}`;
}

/**
 * "3 min ago · 2026-11-29 04:42:07 UTC", or the raw string when it could not be read. Ages are
 * measured against `nowMs` (the Redis clock at the read), and the absolute time is UTC so the
 * server's first paint and the browser's hydration agree.
 */
export function formatStamp(t: Translate, d: { ms: number | null; raw: string } | undefined, nowMs: number): string {
  if (!d) return "–";
  if (d.ms === null) return d.raw || "–";
  return formatWhen(t, d.ms, nowMs);
}

/**
 * English needs "1 job" / "2 jobs"; Chinese has one form, so its `one` and `other` strings can
 * be the same. The count is passed as `{count}`, formatted with thousands separators.
 */
export function plural(
  t: Translate,
  keys: { one: MessageKey; other: MessageKey },
  count: number,
  vars: Record<string, string | number> = {},
): string {
  return t(count === 1 ? keys.one : keys.other, { ...vars, count: count.toLocaleString("en") });
}

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/**
 * A price in cents as yuan with two decimals: 1250 → "12.50" (the pages add "¥"; the CSV export
 * writes it bare, as `printf('%.2f')` would). A table lookup, not toFixed: the export formats a
 * million of these.
 */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100);
  return `${whole}.${TWO[cents - whole * 100]}`;
}
