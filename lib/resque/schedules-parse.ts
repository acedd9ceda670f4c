/**
 * Pure parts of recurring schedules (docs/resque-protocol.md#recurring-schedules): resque-scheduler's `every`
 * durations, cron strings with a trailing time zone (rufus-scheduler's "0 3 * * * Asia/Shanghai"),
 * the args rule of RS's `enqueue_from_config`, Ruby's `Time#to_s`, and decoding one stored
 * config into what the scheduler and the dashboard need. No Redis here.
 */
import { Cron } from "croner";
import { parseJsonBounded } from "./bounded-json";
import { ErrorCode, ResqueError } from "./errors";

/** Which input field a schedule error is about, so a form can show it next to that field. */
export type ScheduleField = "name" | "class" | "cron" | "every" | "timezone" | "queue" | "args" | "entry";

/**
 * A schedule was refused (nothing was stored) or a stored entry cannot be used. `field` names the
 * offending input; `code` is `ErrorCode.InvalidArgs` like every other validation error.
 */
/**
 * A schedule refused, naming the field. `problem` names what is wrong and its values, so a
 * dashboard can say it in its reader's language; `message` is the English sentence.
 */
export class InvalidScheduleError extends ResqueError {
  readonly field: ScheduleField;
  readonly problem: string;
  readonly values: Record<string, string>;
  constructor(field: ScheduleField, message: string, problem = "invalid", values: Record<string, string> = {}) {
    super(ErrorCode.InvalidArgs, message, "InvalidSchedule");
    this.field = field;
    this.problem = problem;
    this.values = values;
  }
}

// ---------------------------------------------------------------------------------------------
// every

const RUFUS_UNIT_SEC: Record<string, number> = {
  y: 365 * 86400,
  M: 30 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
};

const WORD_UNIT_SEC: Array<[RegExp, number]> = [
  [/^(s|secs?|seconds?)$/i, 1],
  [/^(mins?|minutes?)$/i, 60],
  [/^(hrs?|hours?)$/i, 3600],
  [/^(days?)$/i, 86400],
  [/^(wks?|weeks?)$/i, 7 * 86400],
  [/^(mos?|months?)$/i, 30 * 86400],
  [/^(yrs?|years?)$/i, 365 * 86400],
];

/** Shortest interval we accept: the leader ticks about once a second, so shorter would be a lie. */
export const MIN_EVERY_MS = 1000;

/** A parsed `every` duration: milliseconds, and whether rufus-scheduler itself can read the text. */
export interface EveryDuration {
  ms: number;
  /** True when the text is rufus-scheduler syntax (`10s`, `1h30m`, `2d`, bare seconds). */
  rufus: boolean;
}

/**
 * Reads an `every` duration. rufus-scheduler's syntax (what Ruby resque-scheduler parses):
 * numbers with the units `y` (365 d), `M` (30 d), `w`, `d`, `h`, `m`, `s`, concatenated
 * (`1h30m`), a bare number meaning seconds. Also the long forms RS's docs show (`15mins`,
 * `2 hours`, `1 day`), which modern rufus rejects; `formatEvery` turns those into rufus syntax.
 * Returns null when the text is not a positive duration.
 */
export function parseEvery(text: string): EveryDuration | null {
  const s = String(text).trim();
  if (!s) return null;
  const re = /\s*(\d*\.\d+|\d+\.?)\s*([A-Za-z]*)/y;
  let pos = 0;
  let sec = 0;
  let rufus = !/\s/.test(s);
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || m[0].length === 0) return null;
    const unit = m[2]!;
    let factor: number | undefined;
    if (unit === "") factor = 1;
    else if (unit.length === 1 && RUFUS_UNIT_SEC[unit] !== undefined) factor = RUFUS_UNIT_SEC[unit];
    else {
      rufus = false;
      factor = WORD_UNIT_SEC.find(([w]) => w.test(unit))?.[1];
    }
    if (factor === undefined) return null;
    sec += Number(m[1]) * factor;
    pos = re.lastIndex;
  }
  const ms = Math.round(sec * 1000);
  if (!Number.isFinite(ms) || ms <= 0) return null;
  return { ms, rufus };
}

/**
 * Writes a duration in rufus-scheduler's syntax, like its `to_duration` (no months):
 * 900 000 ms → `15m`, 5 400 000 → `1h30m`. Fractions of a second stay on the seconds (`1.5s`).
 */
export function formatEvery(ms: number): string {
  let rest = ms / 1000;
  let out = "";
  for (const [unit, size] of [
    ["y", 365 * 86400],
    ["w", 7 * 86400],
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += n + unit;
      rest -= n * size;
    }
  }
  rest = Math.round(rest * 1000) / 1000;
  if (rest > 0 || out === "") out += rest + "s";
  return out;
}

// ---------------------------------------------------------------------------------------------
// cron + zone

const ZONE_TOKEN = /^(?:UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z][A-Za-z0-9_+-]*)+)$/i;

/**
 * Splits rufus-scheduler's cron string into the pattern and its trailing time zone token
 * (`"0 3 * * * Asia/Shanghai"` → `{pattern: "0 3 * * *", timezone: "Asia/Shanghai"}`).
 * A zone token is `UTC`, `GMT` or an IANA `Area/Location` name; cron fields such as `MON-FRI/2`
 * never look like one. Whitespace is collapsed to single spaces.
 */
export function splitCronZone(expr: string): { pattern: string; timezone?: string } {
  const tokens = String(expr).trim().split(/\s+/).filter(Boolean);
  if (tokens.length >= 2 && ZONE_TOKEN.test(tokens[tokens.length - 1]!)) {
    const timezone = tokens.pop()!;
    return { pattern: tokens.join(" "), timezone };
  }
  return { pattern: tokens.join(" ") };
}

/** True when `tz` is a time zone the runtime's Intl knows (IANA names, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A cron schedule ready to evaluate. */
export interface CompiledCron {
  pattern: string;
  /** The zone written in the cron string, when there was one. */
  timezone?: string;
  /** The zone actually used (the written one, else the default). */
  effectiveTimezone: string;
  cron: Cron;
}

/**
 * Compiles a stored cron string with croner (5 or 6 fields, like rufus; a 6th leading field is
 * seconds). Throws `InvalidScheduleError` with croner's reason, or for an unknown zone.
 */
export function compileCron(expr: string, defaultTimezone = "UTC"): CompiledCron {
  const { pattern, timezone } = splitCronZone(expr);
  const effectiveTimezone = timezone ?? defaultTimezone;
  if (!isValidTimeZone(effectiveTimezone)) {
    throw new InvalidScheduleError(
      "timezone",
      `Unknown time zone "${effectiveTimezone}": use an IANA name such as "Asia/Shanghai" or "UTC"`,
      "zoneUnknown",
      {
        zone: effectiveTimezone,
      },
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: effectiveTimezone, paused: true, mode: "5-or-6-parts" });
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, "");
    throw new InvalidScheduleError("cron", `Invalid cron expression "${pattern}": ${reason}`, "cronInvalid", {
      cron: pattern,
      reason,
    });
  }
  return { pattern, timezone, effectiveTimezone, cron };
}

/** The latest occurrence at or before `nowMs`, or null when there is none. */
export function cronSlotAt(c: CompiledCron, nowMs: number): number | null {
  // croner's previousRuns excludes a run exactly at the reference; +1 ms makes "≤ now".
  const [prev] = c.cron.previousRuns(1, new Date(nowMs + 1));
  return prev ? prev.getTime() : null;
}

/** The first occurrence strictly after `nowMs`, or null when there is none. */
export function cronNextAfter(c: CompiledCron, nowMs: number): number | null {
  return c.cron.nextRun(new Date(nowMs))?.getTime() ?? null;
}

const compiledCache = new Map<string, CompiledCron | InvalidScheduleError>();

/** `compileCron` memoised per (string, default zone): the scheduler evaluates the same entries every tick. */
function compileCronCached(expr: string, defaultTimezone: string): CompiledCron {
  const key = defaultTimezone + "\u0000" + expr;
  let hit = compiledCache.get(key);
  if (!hit) {
    try {
      hit = compileCron(expr, defaultTimezone);
    } catch (e) {
      if (!(e instanceof InvalidScheduleError)) throw e;
      hit = e;
    }
    if (compiledCache.size >= 500) compiledCache.clear();
    compiledCache.set(key, hit);
  }
  if (hit instanceof InvalidScheduleError) throw hit;
  return hit;
}

// ---------------------------------------------------------------------------------------------
// args, dates

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The payload `args` RS's `enqueue_from_config` builds from a config's `args`: a hash becomes one
 * hash argument `[hash]`, an array is positional as it is, missing/null is `[]`, anything else
 * is `[value]` (Ruby's `Array(value)`).
 */
export function argsArrayFromConfig(args: unknown): unknown[] {
  if (args === undefined || args === null) return [];
  if (Array.isArray(args)) return args;
  return [args];
}

/**
 * The config `args` to store for a php-style value, so that RS and we both fire `args: [value]`:
 * an object is stored as it is; any other value is wrapped (`[value]`), because RS would splat a
 * stored array and drop a stored null.
 */
export function configArgsForValue(value: unknown): unknown {
  return isPlainObject(value) ? value : [value];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Ruby's `Time#to_s` for a UTC clock, `2026-11-29 01:45:21 +0000`, as RS writes `last_enqueued_at`. */
export function formatRubyTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

// ---------------------------------------------------------------------------------------------
// one stored entry

/** Where a schedule entry was read from: RS ≥ 4.2's `persistent_schedules`, or RS ≤ 4.1's `schedules` (read-only). */
export type ScheduleSource = "persistent" | "legacy";

/** One stored schedule entry, decoded. Never thrown: problems land in `error`. */
export interface DecodedSchedule {
  name: string;
  source: ScheduleSource;
  /** The stored config JSON, byte for byte. */
  raw: string;
  /** `class`, else the entry name (RS's `schedule=` uses the name when `class` is missing). */
  className?: string;
  /** Cron pattern without its zone token. */
  cron?: string;
  /** The zone written in the cron string (absent: the default zone, UTC unless configured). */
  timezone?: string;
  /** The `every` text (first element of RS's `[interval, {options}]` form). */
  every?: string;
  everyMs?: number;
  /** The queue to push to: `queue`, else the registered class's queue; absent when neither is known. */
  queue?: string;
  /** `args` as stored. */
  args: unknown;
  /** The payload `args` a firing writes (RS's rule, see `argsArrayFromConfig`). */
  argsArray: unknown[];
  description?: string;
  /** False only when the config has our `"enabled": false` (RS ignores the key). */
  enabled: boolean;
  /** RS's `rails_env`/`env` restriction: the entry fires only in these environments. */
  env?: string[];
  /** Why the entry cannot be fired; the other fields hold what could be read. */
  error?: string;
  /** @internal compiled cron, when `cron` compiled. */
  compiled?: CompiledCron;
}

/** Options for decoding stored entries. */
export interface DecodeOptions {
  /** Zone for cron strings that name none. Default `UTC` (RS uses the scheduler's local zone). */
  defaultTimezone?: string;
  /** Fallback queue per class (a registered job class's `queue`), as RS asks the Ruby class. */
  queueOfClass?: (className: string) => string | undefined;
}

/** Decodes one stored config; never throws. */
export function decodeSchedule(
  name: string,
  raw: string,
  source: ScheduleSource,
  opts: DecodeOptions = {},
): DecodedSchedule {
  const parsed = parseJsonBounded(raw);
  const obj = parsed.ok ? parsed.value : undefined;
  if (!isPlainObject(obj)) {
    return {
      name,
      source,
      raw,
      args: undefined,
      argsArray: [],
      enabled: true,
      error: parsed.ok
        ? "config is not a JSON object"
        : parsed.problem === "invalid"
          ? "config is not valid JSON"
          : `config ${parsed.message}`,
    };
  }
  const className = typeof obj.class === "string" && obj.class !== "" ? obj.class : name;
  const enabled = !(obj.enabled === false || obj.enabled === "false");
  const envRaw = obj.rails_env ?? obj.env;
  const env = typeof envRaw === "string" && envRaw.trim() ? envRaw.split(/[\s,]+/).filter(Boolean) : undefined;
  const out: DecodedSchedule = {
    name,
    source,
    raw,
    className,
    args: obj.args,
    argsArray: argsArrayFromConfig(obj.args),
    description: typeof obj.description === "string" ? obj.description : undefined,
    enabled,
    env,
  };
  const queue = typeof obj.queue === "string" && obj.queue !== "" ? obj.queue : opts.queueOfClass?.(className);
  if (queue) out.queue = queue;
  const errors: string[] = [];
  // RS tries cron first, then every, skipping empty values.
  const cronRaw = obj.cron;
  const everyRaw = obj.every;
  if (typeof cronRaw === "string" && cronRaw.trim() !== "") {
    const split = splitCronZone(cronRaw);
    out.cron = split.pattern;
    if (split.timezone) out.timezone = split.timezone;
    try {
      out.compiled = compileCronCached(cronRaw, opts.defaultTimezone ?? "UTC");
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  } else if (
    (typeof everyRaw === "string" && everyRaw.trim() !== "") ||
    (Array.isArray(everyRaw) && everyRaw.length > 0) ||
    typeof everyRaw === "number"
  ) {
    const text = String(Array.isArray(everyRaw) ? everyRaw[0] : everyRaw);
    out.every = text;
    const d = parseEvery(text);
    if (!d) errors.push(`Invalid every interval "${text}"`);
    else if (d.ms < MIN_EVERY_MS) errors.push(`every interval "${text}" is shorter than 1 s`);
    else out.everyMs = d.ms;
  } else {
    errors.push("config has neither cron nor every");
  }
  if (!out.queue) errors.push(`no queue: the config names none and "${className}" is not a registered job class`);
  if (errors.length) out.error = errors.join("; ");
  return out;
}

/** The slot a tick at `nowMs` fires: the latest cron occurrence ≤ now, or the epoch-aligned `every` boundary. */
export function scheduleSlotAt(d: DecodedSchedule, nowMs: number): number | null {
  if (d.compiled) return cronSlotAt(d.compiled, nowMs);
  if (d.everyMs) return Math.floor(nowMs / d.everyMs) * d.everyMs;
  return null;
}

/** The first slot strictly after `nowMs`. */
export function scheduleNextAfter(d: DecodedSchedule, nowMs: number): number | null {
  if (d.compiled) return cronNextAfter(d.compiled, nowMs);
  if (d.everyMs) return (Math.floor(nowMs / d.everyMs) + 1) * d.everyMs;
  return null;
}
