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
 * Epoch ms → the same instant as UTC fields of the zone's wall clock (ms + offset). The zone
 * offset is read once per UTC day; on a day it changes (DST) it is read for the instant itself.
 */
function localMs(ms: number): number {
  const utcDay = Math.floor(ms / DAY_MS);
  const offset = dayOffsets.get(utcDay) ?? offsetOfDay(utcDay);
  return ms + (offset === offset ? offset : -new Date(ms).getTimezoneOffset() * 60_000);
}

/** `YYYY-MM-DD` of a local day number (days since 1970-01-01 on the zone's wall clock), cached. */
function localDate(localDay: number): string {
  let date = localDays.get(localDay);
  if (date === undefined) {
    const d = new Date(localDay * DAY_MS);
    date = `${d.getUTCFullYear()}-${TWO[d.getUTCMonth() + 1]}-${TWO[d.getUTCDate()]}`;
    if (localDays.size > 4096) localDays.clear();
    localDays.set(localDay, date);
  }
  return date;
}

/** Epoch ms → local `YYYY-MM-DD HH:MM:SS` in the process's time zone. */
export function formatLocalDateTime(ms: number): string {
  const local = localMs(ms);
  const localDay = Math.floor(local / DAY_MS);
  const sec = Math.floor((local - localDay * DAY_MS) / 1000);
  return `${localDate(localDay)} ${TWO[Math.floor(sec / 3600)]}:${TWO[Math.floor(sec / 60) % 60]}:${TWO[sec % 60]}`;
}

/**
 * formatLocalDateTime(ms)'s characters (all ASCII) written into `out` at `at`; returns the end.
 * For the PostgreSQL export, which writes bytes: building the string and copying it out cost
 * more than the rest of its line.
 */
export function writeLocalDateTime(ms: number, out: Uint8Array, at: number): number {
  const local = localMs(ms);
  const localDay = Math.floor(local / DAY_MS);
  const sec = Math.floor((local - localDay * DAY_MS) / 1000);
  const date = localDate(localDay);
  for (let i = 0; i < date.length; i++) out[at++] = date.charCodeAt(i);
  out[at++] = 0x20;
  at = twoDigits(Math.floor(sec / 3600), out, at);
  out[at++] = 0x3a;
  at = twoDigits(Math.floor(sec / 60) % 60, out, at);
  out[at++] = 0x3a;
  return twoDigits(sec % 60, out, at);
}

function twoDigits(n: number, out: Uint8Array, at: number): number {
  out[at] = 0x30 + Math.floor(n / 10);
  out[at + 1] = 0x30 + (n % 10);
  return at + 2;
}
