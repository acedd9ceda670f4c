/**
 * Cell formatting for big exports, in JS because SQLite's strftime('…', 'localtime') and printf
 * cost about 1 µs per cell — most of a million-row export. Same output as
 * `strftime('%Y-%m-%d %H:%M:%S', ms / 1000, 'unixepoch', 'localtime')`; prices are
 * lib/format.ts's formatCents (`printf('%.2f')`).
 */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

const DAY_MS = 86_400_000;
/**
 * UTC day → the zone's offset in ms that day, NaN when it changes during the day (DST). Keyed per
 * day rather than "the last day seen": a row's created and updated times usually fall on
 * different days, and a one-entry cache missed on every call (two Dates and an ICU zone lookup,
 * over a third of this function's time in a 1M-row profile).
 */
const dayOffsets = new Map<number, number>();
const localDays = new Map<number, string>();

function dateString(d: Date): string {
  return `${d.getFullYear()}-${TWO[d.getMonth() + 1]}-${TWO[d.getDate()]}`;
}

function offsetOfDay(utcDay: number): number {
  const start = utcDay * DAY_MS;
  const a = new Date(start).getTimezoneOffset();
  const b = new Date(start + DAY_MS - 1).getTimezoneOffset();
  if (dayOffsets.size > 4096) dayOffsets.clear();
  const offset = a === b ? -a * 60_000 : NaN;
  dayOffsets.set(utcDay, offset);
  return offset;
}

/**
 * Epoch ms → local `YYYY-MM-DD HH:MM:SS` in the process's time zone. The zone offset is read once
 * per UTC day; a day on which it changes (DST) is formatted row by row with Date.
 */
export function formatLocalDateTime(ms: number): string {
  const utcDay = Math.floor(ms / DAY_MS);
  const offset = dayOffsets.get(utcDay) ?? offsetOfDay(utcDay);
  if (offset !== offset) {
    const d = new Date(ms);
    return `${dateString(d)} ${TWO[d.getHours()]}:${TWO[d.getMinutes()]}:${TWO[d.getSeconds()]}`;
  }
  const local = ms + offset;
  const localDay = Math.floor(local / DAY_MS);
  let date = localDays.get(localDay);
  if (date === undefined) {
    const d = new Date(localDay * DAY_MS);
    date = `${d.getUTCFullYear()}-${TWO[d.getUTCMonth() + 1]}-${TWO[d.getUTCDate()]}`;
    if (localDays.size > 4096) localDays.clear();
    localDays.set(localDay, date);
  }
  const sec = Math.floor((local - localDay * DAY_MS) / 1000);
  return `${date} ${TWO[Math.floor(sec / 3600)]}:${TWO[Math.floor(sec / 60) % 60]}:${TWO[sec % 60]}`;
}
