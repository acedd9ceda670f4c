/**
 * Recurring schedules in resque-scheduler's layout (docs/resque-protocol.md#recurring-schedules): entries live in the
 * HASH `persistent_schedules` (name → RS-shaped JSON config), every change is signalled in
 * `schedules_changed`, every firing is recorded in `delayed:last_enqueued_at`, and RS ≤ 4.1's
 * `schedules` hash is read as a read-only legacy source. The only key of our own is
 * `tsq:schedule:last` (name → last fired slot), which makes firing exactly-once per slot.
 *
 * Usage, once per leader tick: `await fireDueSchedules(conn, { nowMs, registry })`.
 */
import type { ParsedDate } from "./dates";
import { parseResqueDate } from "./dates";
import { execAll, type Connection } from "./connection";
import {
  InvalidScheduleError,
  decodeSchedule,
  formatRubyTime,
  scheduleNextAfter,
  scheduleSlotAt,
  type DecodeOptions,
  type DecodedSchedule,
  type ScheduleSource,
} from "./schedules-parse";
import type { JobRegistry } from "./job";
import { encodePayload, newJobId } from "./payload";

export * from "./schedules-parse";
export * from "./schedules-write";

/** A schedule entry as the dashboard shows it. */
export interface ScheduleInfo extends Omit<DecodedSchedule, "compiled"> {
  /** Next occurrence after now; null when disabled, unusable (`error`) or never again. */
  nextRunMs: number | null;
  /** RS's `last_enqueued_at` (written by RS and by us on every firing), parsed; null when absent. */
  lastRun: ParsedDate | null;
  /** The last slot our scheduler fired or initialised (epoch ms); null when none yet. */
  lastSlotMs: number | null;
}

/** Options for reading schedules. */
export interface ListScheduleOptions {
  /** Reference time for `nextRunMs`; default `Date.now()`. */
  nowMs?: number;
  /** Supplies a class's default queue for entries without `queue`. */
  registry?: JobRegistry;
  /** Zone for cron strings that name none; default `UTC`. */
  defaultTimezone?: string;
}

function decodeOpts(opts: { registry?: JobRegistry; defaultTimezone?: string }): DecodeOptions {
  const registry = opts.registry;
  return { defaultTimezone: opts.defaultTimezone, queueOfClass: registry ? (c) => registry.get(c)?.queue : undefined };
}

function toInfo(
  d: DecodedSchedule,
  nowMs: number,
  lastEnqueuedAt: string | undefined,
  lastSlot: string | undefined,
): ScheduleInfo {
  const { compiled: _compiled, ...rest } = d;
  const slot = lastSlot === undefined ? NaN : Number(lastSlot);
  return {
    ...rest,
    nextRunMs: d.enabled && !d.error ? scheduleNextAfter(d, nowMs) : null,
    lastRun: lastEnqueuedAt === undefined ? null : parseResqueDate(lastEnqueuedAt),
    lastSlotMs: Number.isFinite(slot) ? slot : null,
  };
}

/**
 * Every schedule entry (persistent ones, then legacy names not shadowed by a persistent entry),
 * sorted by name. An unusable entry is listed with `error`, never thrown.
 * O(schedules), 1 round trip.
 */
export async function listSchedules(conn: Connection, opts: ListScheduleOptions = {}): Promise<ScheduleInfo[]> {
  const k = conn.keys;
  const nowMs = opts.nowMs ?? Date.now();
  const [persistent, legacy, lastAt, lastSlot] = (await execAll(
    conn.redis
      .pipeline()
      .hgetall(k.persistentSchedules)
      .hgetall(k.legacySchedules)
      .hgetall(k.lastEnqueuedAt)
      .hgetall(k.scheduleLastSlot),
  )) as Record<string, string>[];
  const dop = decodeOpts(opts);
  const out: ScheduleInfo[] = [];
  for (const [name, raw] of Object.entries(persistent!))
    out.push(toInfo(decodeSchedule(name, raw, "persistent", dop), nowMs, lastAt![name], lastSlot![name]));
  for (const [name, raw] of Object.entries(legacy!)) {
    if (!(name in persistent!))
      out.push(toInfo(decodeSchedule(name, raw, "legacy", dop), nowMs, lastAt![name], lastSlot![name]));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One schedule entry by name (persistent first, then legacy), or null. 1 round trip. */
export async function getSchedule(
  conn: Connection,
  name: string,
  opts: ListScheduleOptions = {},
): Promise<ScheduleInfo | null> {
  const k = conn.keys;
  const [p, l, at, slot] = (await execAll(
    conn.redis
      .pipeline()
      .hget(k.persistentSchedules, name)
      .hget(k.legacySchedules, name)
      .hget(k.lastEnqueuedAt, name)
      .hget(k.scheduleLastSlot, name),
  )) as (string | null)[];
  const raw = p ?? l;
  if (raw === null || raw === undefined) return null;
  const source: ScheduleSource = p !== null ? "persistent" : "legacy";
  return toInfo(
    decodeSchedule(name, raw, source, decodeOpts(opts)),
    opts.nowMs ?? Date.now(),
    at ?? undefined,
    slot ?? undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// firing

/** One job a schedule put on a queue. */
export interface FiredSchedule {
  name: string;
  /** The slot fired (epoch ms); for `runScheduleNow`, the time of the call. */
  slotMs: number;
  queue: string;
  class: string;
  /** php-style job id (absent with `strictRubyPayload`). */
  id?: string;
  payload: string;
}

/** Options for `fireDueSchedules`. */
export interface FireOptions {
  /** The tick's time (epoch ms). Pass Redis TIME or Date.now(); tests pass fixed values. */
  nowMs: number;
  /** Supplies a class's queue for entries without `queue`. Unknown classes are fired by name. */
  registry?: JobRegistry;
  /** Also fire RS ≤ 4.1's `schedules` entries (names not shadowed by a persistent entry). Default false. */
  includeLegacy?: boolean;
  /** Current environment for RS's `rails_env`/`env` restriction; like RS, restricted entries are skipped without it. */
  env?: string;
  /** Zone for cron strings that name none; default `UTC`. */
  defaultTimezone?: string;
  /** Write bare `{class,args}` payloads (no `id`, `queue_time`). */
  strictRubyPayload?: boolean;
}

/** What one tick did. */
export interface FireResult {
  fired: FiredSchedule[];
  /** Entries seen for the first time (or re-enabled): their current slot was recorded without firing. */
  initialized: string[];
  /** Enabled entries that cannot fire, with the reason (for the scheduler's log). */
  invalid: { name: string; error: string }[];
}

function buildPayload(d: DecodedSchedule, nowMs: number, strictRuby?: boolean): { id?: string; payload: string } {
  const id = strictRuby ? undefined : newJobId();
  return { id, payload: encodePayload(d.className!, d.argsArray, { id, queueTimeSec: nowMs / 1000, strictRuby }) };
}

/**
 * Fires every enabled schedule whose latest slot (latest cron occurrence ≤ now, or the
 * epoch-aligned `every` boundary) is newer than its last fired slot — once, however many slots
 * were missed. An entry without a last slot only records its current slot. Each firing is one Lua
 * call that re-checks the entry and the slot, so concurrent schedulers or a resent command never
 * fire a slot twice. Call once per leader tick.
 * Cost: 1 round trip (HGETALL of the schedules and the last slots) + 1 pipeline when anything is
 * due; O(schedules) CPU.
 */
export async function fireDueSchedules(conn: Connection, opts: FireOptions): Promise<FireResult> {
  const k = conn.keys;
  const nowMs = Math.floor(opts.nowMs);
  const read = conn.redis.pipeline().hgetall(k.persistentSchedules).hgetall(k.scheduleLastSlot);
  if (opts.includeLegacy) read.hgetall(k.legacySchedules);
  const [persistent, lastSlots, legacy] = (await execAll(read)) as Record<string, string>[];
  const entries: Array<{ name: string; raw: string; source: ScheduleSource; hash: string }> = [];
  for (const [name, raw] of Object.entries(persistent!))
    entries.push({ name, raw, source: "persistent", hash: k.persistentSchedules });
  for (const [name, raw] of Object.entries(legacy ?? {})) {
    if (!(name in persistent!)) entries.push({ name, raw, source: "legacy", hash: k.legacySchedules });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const result: FireResult = { fired: [], initialized: [], invalid: [] };
  const dop = decodeOpts(opts);
  const calls: Array<{ d: DecodedSchedule; slot: number; id?: string; payload: string }> = [];
  const pipe = conn.redis.pipeline();
  const whenText = formatRubyTime(nowMs);
  for (const e of entries) {
    const d = decodeSchedule(e.name, e.raw, e.source, dop);
    if (!d.enabled) continue;
    if (d.error) {
      result.invalid.push({ name: d.name, error: d.error });
      continue;
    }
    if (d.env && !(opts.env && d.env.includes(opts.env))) continue;
    const slot = scheduleSlotAt(d, nowMs);
    if (slot === null) continue;
    const last = lastSlots![e.name];
    if (last !== undefined && Number(last) >= slot) continue;
    const { id, payload } = buildPayload(d, nowMs, opts.strictRubyPayload);
    calls.push({ d, slot, id, payload });
    conn.runOn(
      pipe,
      "schedule-fire",
      [k.scheduleLastSlot, k.queues, k.queue(d.queue!), k.wake(d.queue!), k.lastEnqueuedAt, e.hash],
      [e.name, slot, d.queue!, payload, whenText, e.raw],
    );
  }
  // Last slots of entries deleted elsewhere (RS's remove_schedule): drop them, so a re-created
  // entry of the same name starts fresh instead of catching up.
  const known = new Set(entries.map((e) => e.name));
  const stale = Object.keys(lastSlots!).filter((n) => !known.has(n));
  if (stale.length) pipe.hdel(k.scheduleLastSlot, ...stale);
  if (calls.length === 0 && stale.length === 0) return result;
  const res = await execAll(pipe);
  calls.forEach((c, i) => {
    const status = res[i] as number;
    if (status === 1)
      result.fired.push({
        name: c.d.name,
        slotMs: c.slot,
        queue: c.d.queue!,
        class: c.d.className!,
        id: c.id,
        payload: c.payload,
      });
    else if (status === 0) result.initialized.push(c.d.name);
  });
  return result;
}

/** Options for `runScheduleNow`. */
export interface RunNowOptions {
  registry?: JobRegistry;
  nowMs?: number;
  strictRubyPayload?: boolean;
}

/**
 * Enqueues one job from a schedule right now (RS web's "Queue now"), whether or not the entry is
 * enabled; its last fired slot and `last_enqueued_at` are left alone, so the regular firing is
 * unaffected. Null when there is no such entry; throws `InvalidScheduleError` when the entry has
 * no usable class or queue. 2 round trips.
 */
export async function runScheduleNow(
  conn: Connection,
  name: string,
  opts: RunNowOptions = {},
): Promise<FiredSchedule | null> {
  const info = await getSchedule(conn, name, { registry: opts.registry });
  if (!info) return null;
  if (!info.className || !info.queue)
    throw new InvalidScheduleError(
      "entry",
      `Schedule "${name}" cannot be run: ${info.error ?? "no class or queue"}`,
      "cannotRun",
      {
        name,
        reason: info.error ?? "no class or queue",
      },
    );
  const nowMs = opts.nowMs ?? Date.now();
  const { id, payload } = buildPayload(info as DecodedSchedule, nowMs, opts.strictRubyPayload);
  const k = conn.keys;
  // The job and its "Last run" in one MULTI, as a regular firing writes both: a run from the
  // dashboard is a run. The slot bookkeeping is left alone, so the next regular slot still fires.
  const tx = conn.redis.multi();
  conn.runOn(tx, "enqueue", [k.queues, k.queue(info.queue), k.wake(info.queue)], [info.queue, k.ns, payload]);
  tx.hset(k.lastEnqueuedAt, name, formatRubyTime(nowMs));
  await execAll(tx);
  // A run from the dashboard is an enqueue: with the durability option it waits for the replicas.
  if (conn.waitsForReplicas) await conn.requireReplicas(`${info.className} on queue ${info.queue}`);
  return { name, slotMs: nowMs, queue: info.queue, class: info.className, id, payload };
}
