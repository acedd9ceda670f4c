/**
 * Times for the Delayed and Schedules pages: relative and absolute with the zone ("in 3 min ·
 * 2026-11-29 10:42:07 UTC"). Relative times are measured from the `nowMs` the server put in the
 * data, not the browser's clock, so the server's HTML and the hydrated page say the same thing.
 */
import { formatAgo, type Translate } from "@/lib/i18n";
import { formatTime } from "@/lib/format";

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

/** "in 3 min · 2026-11-29 10:42:07 UTC". */
export function formatWhen(t: Translate, ms: number, nowMs: number): string {
  return `${formatRelative(t, ms - nowMs)} · ${formatTime(ms)}`;
}

/** "2026-11-30 03:00 Asia/Shanghai": wall-clock time in `zone` (a schedule's own zone). */
export function formatInZone(ms: number, zone: string): string {
  if (zone === "UTC") return formatTime(ms).replace(/:\d\d UTC$/, " UTC");
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      })
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
  } catch {
    return formatTime(ms);
  }
}

/** A datetime-local input's value for `ms`, read as UTC ("2026-11-29T10:42:07"). */
export function utcInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
