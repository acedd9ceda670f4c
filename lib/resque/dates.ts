/**
 * Dates as the Resque implementations write them (docs/resque-protocol.md#date-formats) and as we write them.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Ruby failure-backend style in UTC: `2026/01/12 20:23:55 UTC` (readable by Ruby, php and JS). */
export function formatFailedAt(d = new Date()): string {
  return (
    `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}

/** ISO 8601 UTC without fraction, `2026-01-12T20:23:55Z`, as Ruby writes `run_at`. */
export function formatIsoSeconds(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const US_ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  UT: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

export interface ParsedDate {
  /** Epoch milliseconds, or null when the string could not be read. */
  ms: number | null;
  /** False when the zone was unknown or ambiguous and the wall clock was read as UTC. */
  zoneKnown: boolean;
  raw: string;
}

function offsetFromHHMM(sign: string, hh: string, mm: string): number {
  const m = Number(hh) * 60 + Number(mm);
  return sign === "-" ? -m : m;
}

/** NaN for impossible fields (month 13, 31 February), which Date.UTC would silently roll over. */
function wallToMs(y: string, mo: string, d: string, h: string, mi: string, s: string, offsetMin: number): number {
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const back = new Date(t);
  if (back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 60) return NaN;
  return t - offsetMin * 60_000;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * Reads every date style found in Resque keys: ISO 8601, Ruby `YYYY/MM/DD HH:MM:SS ZONE`,
 * Ruby `Time#to_s`, php `%a %b %d %H:%M:%S %Z %Y`, JS `Date#toString()`, and bare epoch
 * seconds (or milliseconds above 10¹²). Zone abbreviations other than UTC/GMT and US zones are
 * ambiguous (CST is both US Central and China), so they are read as UTC with `zoneKnown=false`.
 */
export function parseResqueDate(input: unknown): ParsedDate {
  const r = parseUnchecked(input);
  return r.ms !== null && Number.isNaN(r.ms) ? { ms: null, zoneKnown: false, raw: r.raw } : r;
}

function parseUnchecked(input: unknown): ParsedDate {
  const raw = input == null ? "" : String(input).trim();
  const fail: ParsedDate = { ms: null, zoneKnown: false, raw };
  if (!raw) return fail;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return { ms: n > 1e12 ? n : n * 1000, zoneKnown: true, raw };
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(raw);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    let off = 0;
    if (zone && zone !== "Z") {
      const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
      off = offsetFromHHMM(z[1]!, z[2]!, z[3]!);
    }
    const ms = wallToMs(y!, mo!, d!, h!, mi!, s!, off) + (frac ? Math.round(Number(frac) * 1000) : 0);
    return { ms, zoneKnown: zone !== undefined, raw };
  }
  m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: ([A-Za-z]+|[+-]\d{4}))?$/.exec(raw);
  if (m) {
    const [, y, mo, d, h, mi, s, zone] = m;
    return zoned(raw, y!, mo!, d!, h!, mi!, s!, zone);
  }
  // php: Mon Jan 12 20:23:55 UTC 2026
  m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([A-Za-z]+) (\d{4})$/.exec(raw);
  if (m) {
    const [, mon, d, h, mi, s, zone, y] = m;
    const mo = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    if (mo > 0) return zoned(raw, y!, String(mo), d!, h!, mi!, s!, zone);
  }
  // JS Date#toString(): Mon Jan 12 2026 20:23:55 GMT+0000 (Coordinated Universal Time)
  m = /^[A-Za-z]{3} ([A-Za-z]{3}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-])(\d{2})(\d{2})/.exec(raw);
  if (m) {
    const [, mon, d, y, h, mi, s, sign, hh, mm] = m;
    const mo = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    if (mo > 0)
      return { ms: wallToMs(y!, String(mo), d!, h!, mi!, s!, offsetFromHHMM(sign!, hh!, mm!)), zoneKnown: true, raw };
  }
  return fail;
}

function zoned(
  raw: string,
  y: string,
  mo: string,
  d: string,
  h: string,
  mi: string,
  s: string,
  zone?: string,
): ParsedDate {
  if (!zone) return { ms: wallToMs(y, mo, d, h, mi, s, 0), zoneKnown: false, raw };
  const z = /^([+-])(\d{2})(\d{2})$/.exec(zone);
  if (z) return { ms: wallToMs(y, mo, d, h, mi, s, offsetFromHHMM(z[1]!, z[2]!, z[3]!)), zoneKnown: true, raw };
  const off = US_ZONES[zone.toUpperCase()];
  // "CST" is also China Standard Time (php and Ruby in Asia/Shanghai write it): ambiguous.
  const ambiguous = zone.toUpperCase() === "CST" || off === undefined;
  return { ms: wallToMs(y, mo, d, h, mi, s, ambiguous ? 0 : off!), zoneKnown: !ambiguous, raw };
}
