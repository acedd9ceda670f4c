/**
 * Times in a schedule's own zone and in the reschedule field (relative times and UTC stamps are
 * lib/format.ts's formatRelative, formatWhen and formatTime).
 */
import { formatTime } from "@/lib/format";

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
