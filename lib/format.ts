/**
 * Display formatting shared by server and client components, and by the export's CSV (prices):
 * times, counts and prices, one formatter each (no runtime imports beyond i18n).
 */
import { formatAgo, type Translate } from "./i18n";

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
