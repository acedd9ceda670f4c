/**
 * Writing recurring schedules (docs/resque-protocol.md#recurring-schedules): validation with readable messages, and
 * create / edit / enable / disable / delete in resque-scheduler's layout. Every change lands in
 * `persistent_schedules` (RS's JSON shape) and signals `schedules_changed`, like RS's
 * `set_schedule` / `remove_schedule`. Reads and firing are in `schedules.ts`.
 */
import { execAll, type Connection } from "./connection";
import { InvalidArgsError, InvalidQueueNameError, StaleItemError } from "./errors";
import { JobRegistry } from "./job";
import { QUEUE_NAME } from "./keys";
import { appendRawField, rawField, replaceRawField, tryParse } from "./raw-json";
import {
  InvalidScheduleError,
  MIN_EVERY_MS,
  compileCron,
  configArgsForValue,
  cronNextAfter,
  formatEvery,
  parseEvery,
  splitCronZone,
} from "./schedules-parse";

/** What the dashboard submits to create or edit a schedule. */
export interface ScheduleInput {
  name: string;
  /** Resque class name (php `App\Jobs\Report`, Ruby `Reports::Nightly`, or a registered TS name). */
  className: string;
  /** Cron pattern (5 fields, or 6 with leading seconds), optionally followed by an IANA zone. */
  cron?: string;
  /** Zone for `cron`, stored in the cron string the way rufus-scheduler reads it. */
  timezone?: string;
  /** Interval instead of `cron`: `10s`, `15m`, `2h`, `1d`, `1h30m`, or long forms like `15mins`. */
  every?: string;
  /** Default: the registered class's queue, else `default`. */
  queue?: string;
  /** php convention: one value, fired as `args: [value]` (default `{}`). */
  args?: unknown;
  /** Ruby/node convention: the whole positional args array; takes precedence over `args`. */
  argsArray?: unknown[];
  description?: string;
  /** Default: enabled for a new entry, unchanged for an edit. */
  enabled?: boolean;
}

/** Options for `saveSchedule`. */
export interface SaveScheduleOptions {
  /** When given, the class must be registered (unless `allowUnknownClass`) and its schema must accept the args. */
  registry?: JobRegistry;
  /** Refuse an existing name instead of editing it. */
  create?: boolean;
  /** Accept a class the registry does not know (a php or Ruby worker may run it). */
  allowUnknownClass?: boolean;
}

/** Result of `saveSchedule`. */
export interface SavedSchedule {
  name: string;
  /** The config JSON as stored. */
  raw: string;
  created: boolean;
}

const MANAGED_KEYS = new Set(["class", "cron", "every", "queue", "args", "description", "enabled", "persist"]);

/** Checks a schedule name: 1–200 characters, no control characters. */
export function assertScheduleName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0 || name.length > 200 || /[\x00-\x1f\x7f]/.test(name)) {
    throw new InvalidScheduleError("name", "Schedule name must be 1–200 characters without control characters", "name");
  }
}

/**
 * Validates an input and builds the config RS stores, in RS's key order
 * `{"class","cron"|"every","queue","args","description"}`; `extras` (keys of an existing entry we
 * do not manage, such as `rails_env`) follow, then `"enabled":false` when disabled.
 * Throws `InvalidScheduleError` with a readable message naming the field.
 */
export function buildScheduleConfig(
  input: ScheduleInput,
  opts: SaveScheduleOptions & { extras?: Record<string, unknown>; enabled?: boolean } = {},
): Record<string, unknown> {
  assertScheduleName(input.name);
  const className = input.className;
  if (typeof className !== "string" || className.trim() === "" || /[\x00-\x1f\x7f]/.test(className)) {
    throw new InvalidScheduleError("class", "Job class is required", "classRequired");
  }
  const known = opts.registry?.get(className);
  if (opts.registry && !known && !opts.allowUnknownClass) {
    throw new InvalidScheduleError(
      "class",
      `No job class is registered under the name "${className}"`,
      "classUnknown",
      { class: className },
    );
  }
  const hasCron = typeof input.cron === "string" && input.cron.trim() !== "";
  const hasEvery = typeof input.every === "string" && input.every.trim() !== "";
  if (hasCron && hasEvery)
    throw new InvalidScheduleError(
      "cron",
      "Give either a cron expression or an every interval, not both",
      "cronAndEvery",
    );
  if (!hasCron && !hasEvery)
    throw new InvalidScheduleError("cron", "A schedule needs a cron expression or an every interval", "timingMissing");
  const timing: Record<string, string> = {};
  if (hasCron) {
    const split = splitCronZone(input.cron!);
    const tz = input.timezone?.trim() || undefined;
    if (tz && split.timezone && tz !== split.timezone) {
      throw new InvalidScheduleError(
        "timezone",
        `The cron expression already names the time zone "${split.timezone}"`,
        "zoneConflict",
        { zone: split.timezone },
      );
    }
    const zone = split.timezone ?? tz;
    const cronString = zone ? `${split.pattern} ${zone}` : split.pattern;
    const compiled = compileCron(cronString);
    if (cronNextAfter(compiled, Date.now()) === null)
      throw new InvalidScheduleError(
        "cron",
        `Cron expression "${split.pattern}" never matches a future date`,
        "cronNever",
        { cron: split.pattern },
      );
    timing.cron = cronString;
  } else {
    if (input.timezone?.trim())
      throw new InvalidScheduleError("timezone", "A time zone applies to cron expressions only", "zoneOnlyCron");
    const text = input.every!.trim();
    const d = parseEvery(text);
    if (!d)
      throw new InvalidScheduleError(
        "every",
        `Invalid every interval "${text}": use a duration such as "10s", "15m", "2h" or "1d"`,
        "everyInvalid",
        { every: text },
      );
    if (d.ms < MIN_EVERY_MS)
      throw new InvalidScheduleError(
        "every",
        `The every interval "${text}" is shorter than 1 second`,
        "everyTooShort",
        { every: text },
      );
    // Store what Ruby's rufus-scheduler can read: long forms like "15mins" become "15m".
    timing.every = d.rufus ? text : formatEvery(d.ms);
  }
  const queue = input.queue?.trim() || known?.queue || "default";
  if (!QUEUE_NAME.test(queue))
    throw new InvalidScheduleError("queue", new InvalidQueueNameError(queue).message, "queueInvalid", { queue });
  let configArgs: unknown;
  let payloadArgs: unknown[];
  if (input.argsArray !== undefined) {
    if (!Array.isArray(input.argsArray)) throw new InvalidScheduleError("args", "argsArray must be an array");
    configArgs = input.argsArray;
    payloadArgs = input.argsArray;
  } else {
    const value = input.args === undefined ? {} : input.args;
    configArgs = configArgsForValue(value);
    payloadArgs = [value];
  }
  try {
    JSON.stringify(configArgs);
  } catch (e) {
    throw new InvalidScheduleError(
      "args",
      `Args cannot be stored as JSON: ${e instanceof Error ? e.message : String(e)}`,
      "argsInvalid",
      {
        error: e instanceof Error ? e.message : String(e),
      },
    );
  }
  if (known) {
    try {
      JobRegistry.validate(known, className, payloadArgs[0]);
    } catch (e) {
      if (e instanceof InvalidArgsError)
        throw new InvalidScheduleError("args", e.message, "argsInvalid", { error: e.message });
      throw e;
    }
  }
  const config: Record<string, unknown> = { class: className, ...timing, queue, args: configArgs };
  if (typeof input.description === "string" && input.description !== "") config.description = input.description;
  for (const [key, value] of Object.entries(opts.extras ?? {})) if (!MANAGED_KEYS.has(key)) config[key] = value;
  if (opts.enabled === false) config.enabled = false;
  return config;
}

function isEnabledRaw(raw: string): boolean {
  const v = rawField(raw, "enabled");
  return !(v === "false" || v === '"false"');
}

/**
 * Creates or edits a schedule. Validation happens first (nothing is stored on any error); the
 * write is a compare-and-set in Lua, so a concurrent edit is never silently merged. Editing keeps
 * the entry's last fired slot (a changed cron takes effect on the next tick, without a burst) and
 * its `enabled` state unless `input.enabled` says otherwise; keys we do not manage (`rails_env`,
 * `custom_job_class`, …) are kept. A new entry fires first at its next slot, never at once.
 * Throws `InvalidScheduleError`. 2 round trips (more only when racing another writer).
 */
export async function saveSchedule(
  conn: Connection,
  input: ScheduleInput,
  opts: SaveScheduleOptions = {},
): Promise<SavedSchedule> {
  assertScheduleName(input?.name);
  // Validate before touching Redis so that a bad input costs nothing.
  buildScheduleConfig(input, opts);
  const k = conn.keys;
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await conn.redis.hget(k.persistentSchedules, input.name);
    if (existing !== null && opts.create)
      throw new InvalidScheduleError("name", `A schedule named "${input.name}" already exists`, "exists", {
        name: input.name,
      });
    let extras: Record<string, unknown> = {};
    let wasEnabled = true;
    if (existing !== null) {
      wasEnabled = isEnabledRaw(existing);
      try {
        const parsed: unknown = JSON.parse(existing);
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
          extras = parsed as Record<string, unknown>;
      } catch {
        /* an unparseable entry is simply replaced */
      }
    }
    const enabled = input.enabled ?? wasEnabled;
    const raw = JSON.stringify(buildScheduleConfig(input, { ...opts, extras, enabled }));
    const mode = existing === null ? "create" : "replace";
    const resetSlot = enabled && !wasEnabled ? "1" : "0";
    const ok = await conn.run<number>(
      "schedule-save",
      [k.persistentSchedules, k.schedulesChanged, k.scheduleLastSlot],
      [input.name, raw, mode, existing ?? "", resetSlot],
    );
    if (ok === 1) return { name: input.name, raw, created: existing === null };
    if (opts.create)
      throw new InvalidScheduleError("name", `A schedule named "${input.name}" already exists`, "exists", {
        name: input.name,
      });
  }
  throw new StaleItemError(`Schedule "${input.name}"`);
}

/** Throws when `name` exists only in RS ≤ 4.1's `schedules` hash, which we never write. */
async function assertNotLegacyOnly(conn: Connection, name: string): Promise<void> {
  if (await conn.redis.hexists(conn.keys.legacySchedules, name)) {
    throw new InvalidScheduleError(
      "entry",
      `Schedule "${name}" is a legacy (resque-scheduler ≤ 4.1) entry and is read-only; create a new schedule instead`,
      "legacy",
      { name },
    );
  }
}

/**
 * Enables or disables a persistent schedule by editing its stored JSON in place (adds
 * `"enabled":false`, or removes it), compare-and-set in Lua. Re-enabling drops the last fired
 * slot, so the entry resumes at its next slot instead of catching up on the time it was off.
 * Note that Ruby resque-scheduler ignores `enabled`: with a Ruby scheduler as master, a disabled
 * entry still fires. False when no such persistent entry exists. 2 round trips.
 */
export async function setScheduleEnabled(conn: Connection, name: string, enabled: boolean): Promise<boolean> {
  assertScheduleName(name);
  const k = conn.keys;
  for (let attempt = 0; attempt < 5; attempt++) {
    const raw = await conn.redis.hget(k.persistentSchedules, name);
    if (raw === null) {
      await assertNotLegacyOnly(conn, name);
      return false;
    }
    const parsed = tryParse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new InvalidScheduleError(
        "entry",
        `Schedule "${name}" is not a JSON object and cannot be changed; save it again or delete it`,
        "notObject",
        { name },
      );
    }
    const was = isEnabledRaw(raw);
    if (was === enabled) return true;
    let next: string;
    if (enabled) {
      // We append `"enabled":false` last; strip it the same way so every other byte stays.
      const stripped = raw.replace(/,\s*"enabled"\s*:\s*(false|"false")\s*\}\s*$/, "}");
      next = stripped !== raw ? stripped : replaceRawField(raw, "enabled", "true");
    } else {
      next =
        rawField(raw, "enabled") !== undefined
          ? replaceRawField(raw, "enabled", "false")
          : appendRawField(raw, "enabled", "false");
    }
    const ok = await conn.run<number>(
      "schedule-save",
      [k.persistentSchedules, k.schedulesChanged, k.scheduleLastSlot],
      [name, next, "replace", raw, enabled ? "1" : "0"],
    );
    if (ok === 1) return true;
  }
  throw new StaleItemError(`Schedule "${name}"`);
}

/**
 * Deletes a persistent schedule like RS's `remove_schedule` (HDEL + SADD schedules_changed), and
 * clears its last fired slot and `last_enqueued_at`, in one MULTI. False when it did not exist.
 * 2 round trips.
 */
export async function deleteSchedule(conn: Connection, name: string): Promise<boolean> {
  assertScheduleName(name);
  const k = conn.keys;
  if (!(await conn.redis.hexists(k.persistentSchedules, name))) {
    await assertNotLegacyOnly(conn, name);
    return false;
  }
  const [removed] = (await execAll(
    conn.redis
      .multi()
      .hdel(k.persistentSchedules, name)
      .sadd(k.schedulesChanged, name)
      .hdel(k.scheduleLastSlot, name)
      .hdel(k.lastEnqueuedAt, name),
  )) as number[];
  return removed! > 0;
}
