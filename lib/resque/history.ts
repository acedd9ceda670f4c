/**
 * Processed/failed history by hour and by day, for the overview's history chart.
 *
 * Why sampling the shared counters, and not counting in our finish script: php-resque, Ruby
 * resque and node-resque workers on the same Redis bump only `stat:processed` / `stat:failed`.
 * A HINCRBY in our own finish Lua would be exact but would show only the jobs our workers ran, so
 * a shop moving job classes from PHP one at a time would see a history that is mostly missing.
 * Sampling the shared counters counts every implementation's jobs.
 *
 * How: the scheduler leader (one process cluster-wide) calls `sampleHistory` every few seconds.
 * One HASH (`tsq:history:hour`, outside `stat:` so node-resque's `stats()` never sees it) keeps,
 * per UTC hour, the counters at the hour's first sample (HSETNX) and at its latest sample (HSET).
 * Reading turns samples into counts: an hour's count is the next hour's first sample minus its
 * own first sample; without a next hour (the sampler stopped), its last sample minus its first;
 * for the current hour, the live counters minus its first sample. A counter reset in between
 * (Ruby's `Resque::Stat.clear`, a FLUSHDB) would give a negative count: it is clamped to 0.
 * Hours with no sample (no scheduler was running) are `null` — unknown, not zero.
 *
 * Accuracy: a job finishing between an hour's start and its first sample (at most one sampling
 * interval) is counted in the previous hour; the first hour ever sampled misses the jobs before
 * its first sample. Days are sums of hours, in a time zone the caller names, so one stored
 * granularity serves every viewer's zone (an hour is counted in the day its start falls in).
 *
 * The newest RECENT_SAMPLES samples are also kept as they were taken (a capped LIST), so the
 * overview's realtime chart starts with the last few minutes drawn instead of "Measuring…".
 *
 * Cost: sampling is one Lua call (two GETs, two HSETs, an LPUSH + LTRIM, a trim bounded by the retention); reading
 * is one pipeline of one HMGET (2 fields per hour read) and two GETs, whatever the job volume.
 */
import { execAll, type Connection } from "./connection";

/** Hours kept: enough for 30 whole days in any time zone, plus the current day. */
export const HISTORY_RETENTION_HOURS = 32 * 24;
/** How often the scheduler leader samples the counters. */
export const HISTORY_SAMPLE_MS = 10_000;
/**
 * Newest samples kept as they were taken (about 6 minutes at one per 10 s): the overview's
 * realtime chart draws its first 3 minutes from them instead of starting empty on every visit.
 */
export const RECENT_SAMPLES = 36;

const HOUR_MS = 3_600_000;

/** One bucket of the history chart. `null` counts mean no sample covers it. */
export interface HistoryPoint {
  /** Start of the bucket, epoch milliseconds. */
  startMs: number;
  processed: number | null;
  failed: number | null;
}

/**
 * Records the shared counters into the current hour's bucket and trims buckets older than
 * `retentionHours`. `nowMs` is for tests; by default the Redis server clock decides the hour,
 * so samplers on hosts with skewed clocks agree. 1 round trip.
 */
export async function sampleHistory(
  conn: Connection,
  opts: { nowMs?: number; retentionHours?: number } = {},
): Promise<{ bucketMs: number; trimmed: number }> {
  const k = conn.keys;
  const now = opts.nowMs === undefined ? "" : String(Math.floor(opts.nowMs / 1000));
  const [bucket, trimmed] = await conn.run<[number, number]>(
    "history-sample",
    [k.statProcessed, k.statFailed, k.historyHour, k.historyRecent],
    [now, opts.retentionHours ?? HISTORY_RETENTION_HOURS, RECENT_SAMPLES],
  );
  return { bucketMs: bucket * 1000, trimmed };
}

/** The shared counters at one sample, timed by the clock of whoever took it (Redis's, for the sampler). */
export interface CounterSample {
  atMs: number;
  processed: number;
  failed: number;
}

/**
 * The newest samples the sampler took (at most RECENT_SAMPLES), oldest first; empty when no
 * scheduler has run. 1 round trip (one LRANGE of ≤ 36 short strings).
 */
export async function getRecentSamples(conn: Connection): Promise<CounterSample[]> {
  const rows = await conn.redis.lrange(conn.keys.historyRecent, 0, RECENT_SAMPLES - 1);
  const out: CounterSample[] = [];
  for (const row of rows) {
    const [at, p, f] = row.split(" ").map(Number);
    if (Number.isFinite(at) && Number.isFinite(p) && Number.isFinite(f))
      out.push({ atMs: at! * 1000, processed: p!, failed: f! });
  }
  return out.reverse();
}

function pair(v: string | null | undefined): [number, number] | null {
  if (!v) return null;
  const [p, f] = v.split(" ").map(Number);
  return Number.isFinite(p) && Number.isFinite(f) ? [p!, f!] : null;
}

const num = (v: string | null): number => (Number.isFinite(Number(v)) ? Number(v) : 0);

/**
 * The last `hours` hours (oldest first, the current hour last) with the jobs processed and failed
 * in each. `nowMs` defaults to the Redis server clock (one more round trip). O(hours) fields in
 * 1 round trip.
 */
export async function getHourlyHistory(
  conn: Connection,
  opts: { hours?: number; nowMs?: number } = {},
): Promise<HistoryPoint[]> {
  const k = conn.keys;
  const hours = Math.min(HISTORY_RETENTION_HOURS, Math.max(1, Math.floor(opts.hours ?? 48)));
  const nowMs = opts.nowMs ?? (await redisNowMs(conn));
  const current = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const starts = Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * HOUR_MS);
  const fields = starts.flatMap((s) => [`${s / 1000}:first`, `${s / 1000}:last`]);
  const [values, p, f] = (await execAll(
    conn.redis
      .pipeline()
      .hmget(k.historyHour, ...fields)
      .get(k.statProcessed)
      .get(k.statFailed),
  )) as [(string | null)[], string | null, string | null];
  const live: [number, number] = [num(p), num(f)];
  return starts.map((startMs, i) => {
    const first = pair(values[i * 2]);
    if (!first) return { startMs, processed: null, failed: null };
    const end = i === hours - 1 ? live : (pair(values[(i + 1) * 2]) ?? pair(values[i * 2 + 1]) ?? first);
    return { startMs, processed: Math.max(0, end[0] - first[0]), failed: Math.max(0, end[1] - first[1]) };
  });
}

/** An IANA zone name Intl accepts, else `UTC`, so a bad query string cannot make a read throw. */
export function validTimeZone(tz: string | undefined | null): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

/**
 * The last `days` calendar days in `timeZone` (oldest first, today last): sums of their hours.
 * A day with no sampled hour is `null`; a day sampled only in part counts what was sampled.
 * Reads up to 24 × days + 24 hours in 1–2 round trips.
 */
export async function getDailyHistory(
  conn: Connection,
  opts: { days?: number; timeZone?: string; nowMs?: number } = {},
): Promise<HistoryPoint[]> {
  const days = Math.min(31, Math.max(1, Math.floor(opts.days ?? 30)));
  const nowMs = opts.nowMs ?? (await redisNowMs(conn));
  const hourly = await getHourlyHistory(conn, { hours: days * 24 + 24, nowMs });
  return rollUpDays(hourly, validTimeZone(opts.timeZone), days);
}

/** Sums hourly points into the last `days` calendar days of `timeZone`. Pure. */
export function rollUpDays(hourly: HistoryPoint[], timeZone: string, days: number): HistoryPoint[] {
  const fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const byDay = new Map<string, HistoryPoint>();
  for (const h of hourly) {
    const day = fmt.format(new Date(h.startMs));
    const d = byDay.get(day);
    if (!d) {
      byDay.set(day, { ...h });
    } else if (h.processed !== null) {
      d.processed = (d.processed ?? 0) + h.processed;
      d.failed = (d.failed ?? 0) + (h.failed ?? 0);
    }
  }
  // The oldest day read is usually cut off (its early hours were not read): drop it when there are more days than asked.
  return [...byDay.values()].slice(-days);
}

async function redisNowMs(conn: Connection): Promise<number> {
  const [sec, usec] = await conn.redis.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}
