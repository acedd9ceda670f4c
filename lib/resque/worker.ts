/**
 * The Resque worker: `concurrency` slots in one process, each a Resque worker of its own to the
 * outside world (its id, `worker:<id>`, started, heartbeat, counters: slotWorkerId in keys.ts).
 *
 * A job is always in exactly one place — its queue, one slot's `worker:<id>` record, or
 * `failed` — because reserve (LPOP + SET) and finish (DEL + counters, or RPUSH failed) are
 * Lua calls; finishing the jobs that ended and reserving for the free slots share one round trip
 * for many slots. With several slots, two such calls may be out at once, each for about half of
 * them, so Node starts one call's jobs while Redis runs the other's script (loop(): "two lanes").
 * An idle worker blocks in ONE BLPOP (not one per slot) on the wake-up lists our own enqueues
 * fill, so a job from this implementation starts within milliseconds, and the BLPOP timeout
 * (`intervalSec`) polls for jobs pushed by php-resque, Ruby or node-resque, which leave no
 * wake-up token.
 */
import { EventEmitter } from "node:events";
import os from "node:os";
import { Connection, type ConnectionOptions, type ScriptName } from "./connection";
import { duplicateClient, type RedisClient } from "./cluster";
import { formatIsoSeconds } from "./dates";
import { DirtyExitError, DontPerform, InvalidPayloadError, StuckJobError, type ResqueError } from "./errors";
import { backtraceOf, buildFailureRecord } from "./failure";
import { Client } from "./client";
import { encodeDelayedItem } from "./delayed";
import { sha1Hex } from "./hash";
import { jobMetricArgs } from "./job-metrics";
import { JobRegistry, type BaseJob, type JobClass, type JobContext } from "./job";
import { RETRY_NOTE_KEEP_SEC, retryPlan, type RetryNote, type RetryPlanned } from "./retry";
import { beat, HEARTBEAT_INTERVAL_SEC, pruneDeadWorkers, registerWorker, unregisterWorker } from "./lifecycle";
import { decodePayload, type DecodedPayload } from "./payload";
import { resolveQueues } from "./queue-match";
import { slotWorkerId, workerName } from "./keys";
import { textOfBytes, workerEntryOfBytes } from "./stored-bytes";
import { UnconfirmedLog } from "./replica-ack";

export const VERSION = "1.0.0";

export interface PerformHooks {
  beforePerform?: (job: BaseJob<unknown>) => void | Promise<void>;
  afterPerform?: (job: BaseJob<unknown>, result: unknown) => void | Promise<void>;
  onFailure?: (
    error: Error,
    ctx: { job?: BaseJob<unknown>; payload: DecodedPayload; queue: string },
  ) => void | Promise<void>;
}

export interface WorkerOptions extends ConnectionOptions {
  /** Queue list in priority order: names, `*`, globs such as `mail_*`, and `!name` exclusions. */
  queues: string[];
  registry: JobRegistry;
  /** Seconds between polls for jobs pushed by other implementations (and queue-list refreshes). */
  intervalSec?: number;
  /** Write our own heartbeat on a timer. A supervisor that beats for its children turns this off. */
  heartbeat?: boolean;
  hooks?: PerformHooks;
  hostname?: string;
  /** Keep the OS process title in Ruby's `resque-<ver>: …` form (php's and Ruby's prune look for it). */
  setProcessTitle?: boolean;
  /** Prune dead workers at start, like Ruby and php do. */
  pruneOnStart?: boolean;
  /** Jobs run at once by this process (default 1), each in a slot with a worker id of its own. */
  concurrency?: number;
}

/** How often the worker logs the same wrong-typed queue key (not on every poll). */
export const WRONG_TYPE_LOG_EVERY_MS = 60_000;

/**
 * Times the same in-flight entry may come back from reserve (flag "r") before the worker stops
 * re-running it and fails it: a settle that keeps missing must not become an endless loop.
 */
export const SAME_ENTRY_BRAKE = 2;

interface InFlight {
  /** The slot's worker id: the `worker:<id>` record that holds this job. */
  slotId: string;
  queue: string;
  /** The payload as text: exact when it is UTF-8, else a lossless escape (stored-bytes.ts). */
  raw: string;
  /** SHA-1 of the exact `worker:<id>` bytes; finishing, failing and retrying name the entry by it. */
  digest: string;
  payload: DecodedPayload;
  /** The job's class when it declares a per-process limit (counted while the job runs). */
  limited?: JobClass;
  startedMs: number;
  /** When perform ended (the finish is sent later, with the next reserve): the duration metric's end. */
  endedMs?: number;
}

/** A reserved job waiting for the WAIT that covers its reservation (durability option). */
interface Held {
  /** The reply's queue, raw, flag and digest, as launch() takes them. */
  reply: [queue: Buffer, raw: Buffer, flag: Buffer, digest: Buffer];
  /** Built once: its class's per-process limit counts while it is held. */
  inFlight?: InFlight;
}

/**
 * A settle this process wrote but no WAIT has confirmed yet (durability option): a failover may
 * lose it, and the entry then comes back to its slot from reserve (flag "r"). Kept to write the
 * same settle again instead of running the job twice.
 */
type Unconfirmed = { seq: number } & (
  { finished: InFlight } | { script: ScriptName; keys: string[]; args: (string | number)[] }
);

/** One concurrency slot: a Resque worker id of its own inside this process. */
interface Slot {
  id: string;
  /** node-resque's worker name for the id (`worker` field of the in-flight entry). */
  name: string;
  current?: InFlight;
  /** Reserved, not started: waiting for its WAIT (durability option). */
  held?: Held;
  /** Ended successfully; its finish goes with the next reserve call. */
  toFinish?: InFlight;
  /** In a reserve call not answered yet: neither free nor finishing until its reply is handled. */
  pending?: boolean;
  lastDigest: string;
  sameCount: number;
}

/** A reserve call out: what its per-class limits granted, counted by the next call's limits. */
interface Call {
  granted: number[];
}

/** Event arguments; the slot's worker id is appended LAST so listeners written for one slot still fit. */
export interface WorkerEvents {
  job: [queue: string, payload: DecodedPayload, slotId: string];
  success: [queue: string, payload: DecodedPayload, result: unknown, durationMs: number, slotId: string];
  failure: [queue: string, payload: DecodedPayload, error: Error, slotId: string];
  /** A failed attempt was rescheduled: `attempt` is the number of the next try (1 = first retry). */
  retry: [queue: string, payload: DecodedPayload, error: Error, attempt: number, atSec: number, slotId: string];
  error: [error: Error];
  /** Something in Redis the worker skips and a person should fix (a queue key of the wrong type). */
  problem: [message: string];
  pruned: [report: Awaited<ReturnType<typeof pruneDeadWorkers>>];
}

/** Most slots one process may have: ids carry the slot in `host+k` and stay readable. */
export const MAX_CONCURRENCY = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Worker extends EventEmitter<WorkerEvents> {
  /** Slot 0's id, `host:pid:queues` — the whole worker when concurrency is 1. */
  readonly id: string;
  /** Every slot's worker id, slot 0 first. */
  readonly ids: string[];
  readonly concurrency: number;
  readonly conn: Connection;
  private readonly opts: WorkerOptions;
  private readonly intervalMs: number;
  private readonly slots: Slot[];
  private blocker?: RedisClient;
  /** The one blocking wait of this process, while one is out. */
  private blocking?: Promise<void>;
  private running = false;
  private stopping: "graceful" | "now" | null = null;
  private pausedBySignal = false;
  /** Set by anything the loop must react to (a job ended, a wake-up token, stop, resume). */
  private woken = false;
  private wakeLoop?: () => void;
  private loopDone?: Promise<void>;
  private heartbeatTimer?: NodeJS.Timeout;
  private queueCache: { at: number; names: string[] } = { at: 0, names: [] };
  private readonly client: Client;
  /** `*`, globs or exclusions: the queue list is read from `queues` and can change. */
  private readonly dynamicQueues: boolean;
  private readonly limited: ReturnType<JobRegistry["limited"]>;
  /** Failures and retries written since the last WAIT (durability option): the loop's next WAIT covers them. */
  private unconfirmed = 0;
  private readonly unconfirmedLog = new UnconfirmedLog();
  private readonly heldLog = new UnconfirmedLog(
    60_000,
    "holding them: a job runs only once a replica has its reservation (retrying with back-off)",
  );
  /** Settles written but not confirmed, by `slot id + digest` (durability option; see Unconfirmed). */
  private readonly unsettled = new Map<string, Unconfirmed>();
  /** Numbers the writes kept in `unsettled`: a WAIT confirms the ones numbered before it was asked. */
  private writeSeq = 0;
  /** Back-off between WAITs for held reservations while the replicas do not confirm them. */
  private heldBackoffMs = 0;
  /** Reserve calls out at once: two when there are several slots (see loop()), one otherwise. */
  private readonly maxCalls: number;
  /** Most slots one call carries: about half, so the other half can go in a second call. */
  private readonly laneSize: number;
  /** Reserve calls sent and not yet handled. */
  private readonly calls = new Set<Call>();
  /**
   * The last reply left slots free: the queues had nothing (`wait` for the blocking wait) or a
   * pause key is on / no queue matches (`sleep` the poll interval). Free slots are not offered
   * again on their own until that wait ends (a finish still takes them along, as it always did).
   */
  private starved: "wait" | "sleep" | null = null;
  /** The queue list of the last reserve, for the blocking wait. */
  private lastQueues: string[] = [];
  /** Back-off while Redis is away: no call goes out before `retryAtMs`. */
  private backoffMs = 0;
  private retryAtMs = 0;

  constructor(opts: WorkerOptions) {
    super();
    this.opts = opts;
    this.conn = new Connection(opts);
    this.client = new Client({
      redis: opts.redis,
      namespace: opts.namespace,
      registry: opts.registry,
      durability: opts.durability,
    });
    this.intervalMs = Math.max(0.05, opts.intervalSec ?? 5) * 1000;
    this.dynamicQueues = opts.queues.some((q) => /[*?![]/.test(q));
    const n = opts.concurrency ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY)
      throw new RangeError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${n}`);
    this.concurrency = n;
    const host = opts.hostname ?? os.hostname();
    this.ids = Array.from({ length: n }, (_, i) => slotWorkerId(host, process.pid, opts.queues, i));
    this.id = this.ids[0]!;
    this.slots = this.ids.map((id) => ({ id, name: workerName(id), lastDigest: "", sameCount: 0 }));
    this.limited = opts.registry.limited();
    this.maxCalls = n > 1 ? 2 : 1;
    this.laneSize = Math.ceil(n / this.maxCalls);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Titled before registering: php's and Ruby's same-host prune must never see our id without
    // a live "resque-" process behind it.
    this.title("Starting");
    if (this.opts.pruneOnStart !== false) {
      const report = await pruneDeadWorkers(this.conn, {
        selfId: this.id,
        excludeIds: new Set(this.ids),
        registry: this.opts.registry,
        hostname: this.opts.hostname,
      });
      if (report.pruned.length) this.emit("pruned", report);
    }
    for (const id of this.ids) {
      // An entry under our own id is a leftover of a dead process that had the same pid
      // (containers reuse pids): settle it as a dirty exit before taking new work.
      await unregisterWorker(this.conn, id, { registry: this.opts.registry, keepPing: true });
      await registerWorker(this.conn, id);
    }
    if (this.opts.heartbeat !== false) {
      await beat(this.conn, this.ids);
      this.heartbeatTimer = setInterval(() => {
        beat(this.conn, this.ids).catch((e) => this.emit("error", e as Error));
      }, HEARTBEAT_INTERVAL_SEC * 1000);
      this.heartbeatTimer.unref();
    }
    this.blocker = duplicateClient(this.conn.redis, { lazyConnect: false });
    this.blocker.on("error", () => {}); // reconnects on its own; failures surface through the loop
    this.title(this.waitingTitle());
    this.loopDone = this.loop();
  }

  /**
   * `graceful` (QUIT): finish the jobs in flight, then exit. `now` (TERM/INT): every job in flight
   * is settled as a dirty exit (or requeued when its class is safe to re-run) and the worker exits.
   */
  async stop(mode: "graceful" | "now" = "graceful"): Promise<void> {
    if (!this.running) return;
    if (this.stopping !== "now") this.stopping = mode;
    this.wake();
    this.blocker?.disconnect();
    if (mode === "now" && this.slots.some((s) => s.current)) {
      // Jobs that already ended are finished first: only the ones still running are dirty exits.
      await this.sendFinished();
      // Jobs may still settle later; perform() sees they are no longer `current` and writes nothing.
      await this.unregister((s) =>
        s.current
          ? new DirtyExitError(
              `Worker ${s.id} was stopped (TERM) while processing ${s.current.payload.className ?? "a job"}`,
            )
          : undefined,
      );
      return;
    }
    await this.loopDone;
  }

  /** USR2: reserve nothing until `resume()`; the jobs in flight finish. */
  pause(): void {
    this.pausedBySignal = true;
    this.title("Paused");
  }

  /** CONT */
  resume(): void {
    this.pausedBySignal = false;
    this.starved = null;
    this.wake();
  }

  /** Slots with a job in flight right now. */
  get busy(): number {
    return this.slots.reduce((n, s) => n + (s.current ? 1 : 0), 0);
  }

  private title(state: string) {
    if (this.opts.setProcessTitle) process.title = `resque-${VERSION}: ${state}`;
  }

  private waitingTitle(): string {
    const q = this.opts.queues.join(",");
    return this.concurrency > 1 ? `Waiting for ${q} (${this.concurrency} slots)` : `Waiting for ${q}`;
  }

  private wake() {
    this.woken = true;
    this.wakeLoop?.();
  }

  /** Resolves at the next wake(), or at once when one came since the last wait. */
  private async nextWake(): Promise<void> {
    if (!this.woken) await new Promise<void>((r) => (this.wakeLoop = r));
    this.wakeLoop = undefined;
    this.woken = false;
  }

  private async queueNames(): Promise<string[]> {
    const now = Date.now();
    if (!this.dynamicQueues) return this.opts.queues;
    if (now - this.queueCache.at >= this.intervalMs || this.queueCache.names.length === 0) {
      const all = await this.conn.redis.smembers(this.conn.keys.queues);
      this.queueCache = { at: now, names: resolveQueues(this.opts.queues, all) };
    }
    return this.queueCache.names;
  }

  private runAtMs = 0;
  private runAt = "";
  private queueArgsCache?: { queues: string[]; keys: string[]; args: string[] };

  /** Queue KEYS and ARGV for a queue list, rebuilt only when the list changes. */
  private queueArgs(queues: string[]): { keys: string[]; args: string[] } {
    if (this.queueArgsCache?.queues !== queues) {
      const k = this.conn.keys;
      const keys: string[] = [];
      const args: string[] = [];
      for (const q of queues) {
        keys.push(k.queue(q), k.pauseQueue(q));
        args.push(q, JSON.stringify(q));
      }
      this.queueArgsCache = { queues, keys, args };
    }
    return this.queueArgsCache;
  }

  /**
   * ARGV triples (name, group, room) for the classes with a per-process limit, for a call that
   * reserves `slots`. A call still out may take up to what it was granted: that counts as in use
   * until its reply is handled, so two calls never grant the same room twice.
   */
  private limitArgs(slots: number): Call & { args: string[] } {
    const out: Call & { args: string[] } = { granted: [], args: [] };
    this.limited.forEach((l, g) => {
      let inUse = this.slots.reduce((n, s) => n + ((s.current ?? s.held?.inFlight)?.limited === l.cls ? 1 : 0), 0);
      for (const c of this.calls) inUse += c.granted[g] ?? 0;
      const room = l.limit - inUse;
      out.granted.push(Math.max(0, Math.min(room, slots)));
      for (const name of l.names) out.args.push(name, String(g), String(room));
    });
    return out;
  }

  /** One reserve.lua call: finishes `finish`, then reserves into `reserve` (see its header). */
  private reserveCall(queues: string[], finish: InFlight[], reserve: Slot[], limits: string[] = []): Promise<Buffer[]> {
    const k = this.conn.keys;
    const nowMs = Date.now();
    // run_at has whole seconds: format it once per second, not once per job.
    if (nowMs - this.runAtMs >= 1000 || nowMs < this.runAtMs) {
      this.runAtMs = nowMs - (nowMs % 1000);
      this.runAt = formatIsoSeconds(new Date(this.runAtMs));
    }
    const q = reserve.length ? this.queueArgs(queues) : { keys: [], args: [] };
    const keys = [k.statProcessed, k.pauseAllWorkers, k.pauseAll, k.metricsProcessed, k.metricsDuration];
    const args: (string | number)[] = [
      finish.length,
      reserve.length,
      queues.length && reserve.length ? queues.length : 0,
      limits.length / 3,
      this.runAt,
      Math.floor(nowMs / 1000),
      k.ns,
    ];
    for (const f of finish) {
      keys.push(k.worker(f.slotId), k.statProcessedOf(f.slotId));
      args.push(f.digest, f.payload.id ? k.jobStatus(f.payload.id) : "", ...this.metricArgs(f, f.endedMs ?? nowMs));
    }
    for (const s of reserve) {
      keys.push(k.worker(s.id));
      args.push(s.name);
    }
    keys.push(...q.keys);
    args.push(...limits, ...q.args);
    return this.conn.run<Buffer[]>("reserve", keys, args, { buffers: true });
  }

  private metricArgs(f: InFlight, endedMs: number): string[] {
    return jobMetricArgs(this.opts.registry, f.queue, f.payload.className, f.startedMs, endedMs);
  }

  /**
   * Turns one reserved job of a reply (queue, raw, flag, digest, as bytes) into the in-flight job.
   * Payload bytes that are not UTF-8 get an escaped `raw` and a payload that is not `ok`, so the
   * job fails with the reason instead of running on a damaged copy.
   */
  private inFlightFrom(slot: Slot, queueB: Buffer, rawB: Buffer, flagB: Buffer, digestB: Buffer): InFlight | undefined {
    let queue = queueB.toString();
    let payloadBytes = rawB;
    if (handedBack(flagB)) {
      // Our own entry from a call whose reply was lost: run that job.
      const e = workerEntryOfBytes(rawB);
      if (!e) return undefined;
      queue = e.queue ?? "";
      payloadBytes = e.payload;
    }
    const text = textOfBytes(payloadBytes);
    const payload: DecodedPayload = text.exact
      ? decodePayload(text.text)
      : {
          raw: text.text,
          ok: false,
          error: `payload is ${text.problem}; the failure record keeps it as a JSON string with \\xNN escapes`,
          argsArray: [],
        };
    const cls = payload.ok && payload.className ? this.opts.registry.get(payload.className) : undefined;
    return {
      slotId: slot.id,
      queue,
      raw: text.text,
      digest: digestB.toString(),
      payload,
      limited: cls && this.limited.some((l) => l.cls === cls) ? cls : undefined,
      startedMs: Date.now(),
    };
  }

  private wrongTypeLogged = new Map<string, number>();

  /** Logs each wrong-typed queue key reserve skipped, once per key per `WRONG_TYPE_LOG_EVERY_MS`. */
  private reportWrongTypes(names: Buffer[]): void {
    const now = Date.now();
    for (const b of names) {
      const q = b.toString();
      const last = this.wrongTypeLogged.get(q);
      if (last !== undefined && now - last < WRONG_TYPE_LOG_EVERY_MS) continue;
      this.wrongTypeLogged.set(q, now);
      this.emit(
        "problem",
        `queue ${JSON.stringify(q)} skipped: key ${this.conn.keys.queue(q)} is not a list (WRONGTYPE); ` +
          `its jobs cannot be read until the key is fixed or the queue removed`,
      );
    }
  }

  /**
   * Fails the entry in a slot's `worker:<id>` without running it again (the loop brake):
   * unregister settles it by its bytes as a failure record, and the slot registers again.
   */
  private async brake(f: InFlight): Promise<void> {
    const err = new StuckJobError(
      `Worker ${f.slotId} was handed the same in-flight entry ${SAME_ENTRY_BRAKE + 1} times ` +
        `(${f.payload.className ?? "unreadable payload"}); failed instead of run again`,
    );
    this.emit("error", err);
    await unregisterWorker(this.conn, f.slotId, { registry: this.opts.registry, error: err, keepPing: true });
    await registerWorker(this.conn, f.slotId);
  }

  /** Takes the finished jobs off their slots, to send with the next call. */
  private takeFinished(): InFlight[] {
    const out: InFlight[] = [];
    for (const s of this.slots) {
      if (s.toFinish) out.push(s.toFinish);
      s.toFinish = undefined;
    }
    return out;
  }

  /** Puts finishes that did not reach Redis back on their slots (a slot holds at most one). */
  private keepFinished(list: InFlight[]) {
    for (const f of list) {
      const s = this.slots.find((x) => x.id === f.slotId);
      if (s && !s.toFinish && !s.current) s.toFinish = f;
    }
  }

  /**
   * The loop: sends reserve calls and sleeps until something changes (a reply handled, a job
   * ended, a wake-up token, stop, pause, resume).
   *
   * Two lanes. A call finishes the jobs that ended and fills the free slots in ONE round trip; a
   * no-op job ends in the same tick it starts, so with one call out at a time Node would idle while
   * Redis runs the script and Redis would idle while Node starts the jobs and builds the next call.
   * With more than one slot, a call carries at most about half the slots (`laneSize`) and a second
   * call may go out while the first is out, so the two processes work at the same time (bench
   * `drain-c10`). Never more than two: a third would only queue behind them in Redis. Concurrency 1
   * keeps one call out, as before.
   *
   * What keeps this as safe as one call: a slot in a call not yet answered is `pending` — neither
   * free nor finishing — so a slot is in at most one call, and its finish and its next reservation
   * travel together in it (Redis runs the calls in order on this one connection). A finish is taken
   * off its slot when sent and put back only when the call failed (the script's finish is a no-op
   * once applied, so resending after a lost reply is safe). Per-class limits count what a call
   * still out was granted (limitArgs()).
   */
  private async loop(): Promise<void> {
    let titledPaused = false;
    while (this.stopping === null) {
      if (titledPaused && !this.pausedBySignal) {
        titledPaused = false;
        this.title(this.waitingTitle());
      }
      const wait = this.retryAtMs - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      if (this.calls.size < this.maxCalls) {
        // Let the jobs started by a reply end first (a no-op job ends a few microtasks later), so
        // their finishes share this call rather than trickle out one call each.
        if (this.laneSize > 1) await new Promise((r) => setImmediate(r));
        const reserving =
          !this.pausedBySignal && this.slots.some((s) => this.isFree(s) && (s.toFinish || !this.starved));
        let queues: string[] = [];
        try {
          if (reserving) queues = await this.queueNames();
        } catch (e) {
          this.callFailed(e as Error);
          continue;
        }
        if (this.stopping !== null) break;
        if (this.send(queues, reserving)) continue;
      }
      // Nothing to send now: failures written while every slot is busy still get their WAIT.
      this.confirmLater(0);
      if (this.pausedBySignal) {
        if (!this.slots.some((s) => s.current || s.toFinish || s.pending)) {
          this.title("Paused");
          titledPaused = true;
        }
      } else if (this.starved && this.calls.size === 0 && this.slots.some((s) => this.isFree(s))) {
        // Slots left free: nothing to run (or paused keys). Wait for work with the one blocking
        // call; a job ending wakes the loop too, so its finish is not held until the wait ends.
        if (this.starved === "sleep") this.sleepThenWake();
        else this.waitForWork(this.lastQueues);
      }
      await this.nextWake();
    }
    // The calls out are answered (their jobs start, or go back to their queue on TERM), then on
    // QUIT the jobs in flight finish; TERM settled them in stop() already.
    while (this.calls.size > 0 || (this.stopping === "graceful" && this.slots.some((s) => s.current)))
      await this.nextWake();
    await this.sendFinished();
    await this.unregister();
  }

  /** A slot that may take a job: not running one, not holding one, not in a call out. */
  private isFree(s: Slot): boolean {
    return !s.pending && !s.current && !s.held;
  }

  /**
   * Sends one reserve call (not awaited: its reply is handled by handleReply()) for up to
   * `laneSize` slots, the ones with a finish first; false when there was nothing to send.
   */
  private send(queues: string[], reserving: boolean): boolean {
    const lane: Slot[] = [];
    for (const s of this.slots) if (s.toFinish && this.isFree(s) && lane.length < this.laneSize) lane.push(s);
    const reserve = reserving && queues.length ? lane.slice() : [];
    if (reserving && queues.length && !this.starved)
      for (const s of this.slots)
        if (!s.toFinish && this.isFree(s) && lane.length < this.laneSize) {
          lane.push(s);
          reserve.push(s);
        }
    // No queue matches the list (globs, exclusions): look again after the poll interval.
    if (reserving && queues.length === 0) this.starved = "sleep";
    if (lane.length === 0) return false;
    const finish: InFlight[] = [];
    for (const s of lane) {
      if (s.toFinish) finish.push(s.toFinish);
      s.toFinish = undefined;
      s.pending = true;
    }
    const limits = reserve.length && this.limited.length ? this.limitArgs(reserve.length) : { granted: [], args: [] };
    const call: Call = { granted: limits.granted };
    this.calls.add(call);
    if (reserve.length) this.lastQueues = queues;
    this.reserveCall(queues, finish, reserve, limits.args)
      .then(
        (got) => this.handleReply(finish, reserve, got),
        (e: Error) => {
          this.keepFinished(finish);
          this.callFailed(e);
        },
      )
      // The call went through; starting a job failed (Redis away while settling an entry).
      .catch((e: Error) => this.callFailed(e))
      .finally(() => {
        this.calls.delete(call);
        for (const s of lane) s.pending = false;
        this.wake();
      });
    return true;
  }

  /** Redis is unreachable or restarting: back off (shared by the calls out), keep the job records where they are. */
  private callFailed(e: Error): void {
    if (this.stopping) return;
    this.emit("error", e);
    const now = Date.now();
    if (now < this.retryAtMs) return; // the other call out failed too: one back-off step for both
    this.backoffMs = Math.min(5000, this.backoffMs ? this.backoffMs * 2 : 100);
    this.retryAtMs = now + this.backoffMs;
  }

  /** Starts (or, with the durability option, holds) the jobs a reply handed out, in its slots. */
  private async handleReply(finish: InFlight[], reserve: Slot[], got: Buffer[]): Promise<void> {
    this.backoffMs = 0;
    const kind = got[0]!.toString();
    const nWrong = Number(got[1]!.toString());
    const items = (got.length - 2 - nWrong) / 5;
    // Replies are handled in the order Redis ran the calls: the latest says whether the queues ran dry.
    if (reserve.length) this.starved = items >= reserve.length ? null : kind === "paused" ? "sleep" : "wait";
    if (nWrong) this.reportWrongTypes(got.slice(2, 2 + nWrong));
    this.remember(finish);
    const held: Slot[] = [];
    for (let i = 2 + nWrong; i + 4 < got.length; i += 5) {
      const slot = reserve[Number(got[i]!.toString()) - 1]!;
      const reply = [got[i + 1]!, got[i + 2]!, got[i + 3]!, got[i + 4]!] as Held["reply"];
      if (!this.conn.waitsForReplicas) await this.launch(slot, ...reply);
      else if (!(await this.settleAgain(slot, reply))) {
        slot.held = { reply, inFlight: this.inFlightFrom(slot, ...reply) };
        held.push(slot);
      }
    }
    this.confirmLater(finish.length + items, held);
  }

  /** Finishes the jobs that ended and were not sent yet (stopping: nothing is reserved). */
  private async sendFinished(): Promise<void> {
    const finish = this.takeFinished();
    try {
      if (finish.length) await this.reserveCall([], finish, []);
      this.remember(finish);
      await this.confirmDone(finish.length);
    } catch (e) {
      this.emit("error", e as Error);
    }
  }

  /**
   * The durability option, without holding up the loop: the WAIT for this turn's writes goes out
   * on the side connection (replica-ack.ts) while the loop goes on reserving for other free slots;
   * turns that come while it is out share the next one. The jobs this turn reserved (`held`) start
   * when it confirms them.
   */
  private confirmLater(written: number, held: Slot[] = []): void {
    if (!this.conn.waitsForReplicas || (written + this.unconfirmed === 0 && held.length === 0)) return;
    // The reservations this WAIT covers: a slot let go and held again meanwhile waits for its own.
    const covered = new Map(held.map((s) => [s, s.held]));
    held = held.filter((s) => s.held);
    const mine = () => held.filter((s) => s.held && s.held === covered.get(s));
    this.confirmDone(written, held.length > 0).then(
      (ok) => this.release(mine(), ok),
      (e: Error) => {
        if (!this.stopping) this.emit("error", e);
        this.release(mine(), false);
      },
    );
  }

  /**
   * The durability option: ONE WAIT for everything this loop turn wrote (`count` jobs finished or
   * reserved, plus the failures and retries written since the last WAIT); `force` sends one for
   * held reservations even when nothing new was written. True when the replicas confirmed.
   *
   * A job runs only once the WAIT covering its reservation confirmed it (release()): a reservation
   * a failover may lose would put the job back in its queue on the new primary while it runs here.
   * A finish, failure or retry not confirmed is kept (remember()) so that, if a failover hands its
   * entry back, it is settled again rather than run again (settleAgain()); a confirmed WAIT drops
   * what it covers, so the memory holds at most the jobs that ended since the last confirmed WAIT,
   * no more than the slots (a job only starts after a confirmed WAIT). A shortfall for finishes
   * alone is logged (rate-limited) and the worker carries on. Held jobs cost each slot a replica
   * round trip before each job, shared by every slot that reserved in the same turn
   * (bench/durability.ts: README "Durability option").
   */
  private async confirmDone(written: number, force = false): Promise<boolean> {
    if (!this.conn.waitsForReplicas) return true;
    const count = written + this.unconfirmed;
    if (count === 0 && !force) return true;
    this.unconfirmed = 0;
    const upTo = this.writeSeq;
    const r = await this.conn.confirmWrites();
    if (r.ok) {
      for (const [key, u] of this.unsettled) if (u.seq <= upTo) this.unsettled.delete(key);
      return true;
    }
    // One line per shortfall: held jobs say the worker waits; finishes alone say it carries on.
    const line = force
      ? this.heldLog.note((n) => `${n} reserved job(s)`, this.slots.filter((s) => s.held).length, r)
      : this.unconfirmedLog.note((n) => `${n} job(s) finished or failed`, count, r);
    if (line) this.emit("problem", line);
    return false;
  }

  /**
   * After the WAIT for held reservations: confirmed, they start. Not confirmed (a replica down or
   * slow past the timeout, or a failover under way), they stay held and are asked about again
   * after a back-off (100 ms doubling to 5 s, so a replica that stays away costs one WAIT every
   * few seconds, never a hot loop). Held rather than put back in their queue: putting back is one
   * more write the replicas do not confirm either, it would reorder the queue, and this worker
   * would only take the same jobs again. Before each new WAIT the reservation is read again: a
   * failover that lost it has the job back in its queue on the new primary, so the slot lets it go
   * (another worker, or this one, takes it from there) — running it here would run it twice.
   */
  private release(held: Slot[], ok: boolean): void {
    const mine = held.filter((s) => s.held);
    if (mine.length === 0 || this.stopping || this.unregistered) return;
    if (ok) {
      this.heldBackoffMs = 0;
      void (async () => {
        for (const s of mine) {
          const h = s.held!;
          s.held = undefined;
          if (h.inFlight) h.inFlight.startedMs = Date.now();
          await this.launch(s, ...h.reply, h.inFlight).catch((e: Error) => this.emit("error", e));
        }
      })().finally(() => this.wake());
      return;
    }
    this.heldBackoffMs = Math.min(5000, this.heldBackoffMs ? this.heldBackoffMs * 2 : 100);
    void sleep(this.heldBackoffMs)
      .then(async () => {
        if (this.stopping || this.unregistered) return;
        const now = await this.conn.redis.mgetBuffer(...mine.map((s) => this.conn.keys.worker(s.id)));
        const still = mine.filter((s, i) => {
          const b = now[i];
          if (s.held && b && sha1Hex(b) === s.held.reply[3].toString()) return true;
          s.held = undefined; // lost with the old primary (or settled by a prune): not ours to run
          return false;
        });
        if (still.length < mine.length) this.wake();
        this.confirmLater(0, still);
      })
      .catch((e: Error) => {
        if (!this.stopping) this.emit("error", e);
        this.release(mine, false); // Redis unreachable: ask again after a longer back-off
      });
  }

  /** Keeps settles just written until a WAIT confirms them (durability option). */
  private remember(
    finished: InFlight[],
    settle?: { script: ScriptName; f: InFlight; keys: string[]; args: (string | number)[] },
  ): void {
    if (!this.conn.waitsForReplicas) return;
    for (const f of finished) this.unsettled.set(`${f.slotId} ${f.digest}`, { seq: ++this.writeSeq, finished: f });
    if (settle)
      this.unsettled.set(`${settle.f.slotId} ${settle.f.digest}`, {
        seq: ++this.writeSeq,
        script: settle.script,
        keys: settle.keys,
        args: settle.args,
      });
  }

  /**
   * An entry handed back (flag "r") whose settle this process wrote but no WAIT confirmed: a
   * failover lost the settle, not the run. Writes the same settle again — a finish goes with the
   * next reserve call (counted once: the lost one's counters were lost with it), a failure record
   * or retry is written again as it was — and returns true; false for any other entry.
   */
  private async settleAgain(slot: Slot, reply: Held["reply"]): Promise<boolean> {
    if (!handedBack(reply[2])) return false;
    const key = `${slot.id} ${reply[3].toString()}`;
    const u = this.unsettled.get(key);
    if (!u) return false;
    if ("finished" in u) {
      slot.toFinish = u.finished;
      this.wake();
      return true;
    }
    const done = await this.conn.run<number>(u.script, u.keys, u.args);
    if (done === 1) {
      this.unconfirmed++;
      this.unsettled.set(key, { ...u, seq: ++this.writeSeq });
    }
    return true;
  }

  /** Starts a reserved job in its slot; false when the entry was settled instead of run. */
  private async launch(
    slot: Slot,
    queueB: Buffer,
    rawB: Buffer,
    flagB: Buffer,
    digestB: Buffer,
    built?: InFlight,
  ): Promise<boolean> {
    const inFlight = built ?? this.inFlightFrom(slot, queueB, rawB, flagB, digestB);
    const digest = digestB.toString();
    const again = handedBack(flagB) && digest === slot.lastDigest;
    slot.sameCount = again ? slot.sameCount + 1 : 0;
    slot.lastDigest = digest;
    if (this.stopping === "now") {
      // Handed out while TERM was settling the slots: never started, so it goes back to its queue.
      await unregisterWorker(this.conn, slot.id, { registry: this.opts.registry, preferRequeue: true, keepPing: true });
      return false;
    }
    if (inFlight && slot.sameCount >= SAME_ENTRY_BRAKE) {
      await this.brake(inFlight);
      return false;
    }
    if (!inFlight) {
      // Not an entry we could have written: settle it as a dirty exit and carry on.
      await unregisterWorker(this.conn, slot.id, { registry: this.opts.registry, keepPing: true });
      await registerWorker(this.conn, slot.id);
      return false;
    }
    slot.current = inFlight;
    void this.perform(inFlight)
      .then((ok) => {
        if (slot.current !== inFlight) return; // settled elsewhere (stop now)
        slot.current = undefined;
        if (ok) slot.toFinish = inFlight;
      })
      .catch((e: Error) => {
        // The failure could not be written (Redis away too long): the entry stays in worker:<id>
        // and comes back to this slot from the next reserve.
        if (slot.current === inFlight) slot.current = undefined;
        this.emit("error", e);
      })
      .finally(() => this.wake());
    return true;
  }

  /** For a pause key or an empty queue list: look again after the poll interval. */
  private sleepThenWake() {
    if (this.blocking) return;
    this.blocking = sleep(this.intervalMs).then(() => {
      this.blocking = undefined;
      this.starved = null;
      this.wake();
    });
  }

  /**
   * The process's one blocking call (never one per slot): waits until our enqueue path leaves a
   * wake-up token on one of our queues (or, for `*` and glob workers, on `tsq:wake:*`, which marks
   * a queue created since the list was read), or until the poll interval passes.
   */
  private waitForWork(queues: string[]) {
    if (this.blocking || !this.blocker || this.stopping) return;
    const k = this.conn.keys;
    const keys = queues.map((q) => k.wake(q));
    if (this.dynamicQueues) keys.push(k.wake("*"));
    this.blocking = this.blocker
      .blpop(...keys, this.intervalMs / 1000)
      .then((got) => {
        if (got && got[0] === k.wake("*")) this.queueCache.at = 0;
      })
      .catch(async (e: Error) => {
        if (this.stopping) return;
        this.emit("error", e);
        await sleep(Math.min(this.intervalMs, 1000));
      })
      .finally(() => {
        this.blocking = undefined;
        this.starved = null;
        this.wake();
      });
  }

  /** Runs one job; returns true on success (finish deferred to the next reserve call). */
  private async perform(f: InFlight): Promise<boolean> {
    const p = f.payload;
    let job: BaseJob<unknown> | undefined;
    let cls: JobClass | undefined;
    const slotOf = () => this.slots.find((s) => s.id === f.slotId);
    this.emit("job", f.queue, p, f.slotId);
    if (this.concurrency === 1)
      this.title(`Processing ${f.queue} since ${Math.floor(f.startedMs / 1000)} [${p.className ?? "?"}]`);
    try {
      if (!p.ok) throw new InvalidPayloadError(`${p.error}: ${truncate(p.raw, 200)}`);
      cls = this.opts.registry.require(p.className!);
      const args = p.argsArray[0];
      JobRegistry.validate(cls, p.className!, args);
      const ctx: JobContext = {
        queue: f.queue,
        className: p.className!,
        argsArray: p.argsArray,
        id: p.id,
        raw: f.raw,
        workerId: f.slotId,
        resque: this.client,
      };
      job = JobRegistry.instantiate(cls, args, ctx);
      try {
        await this.opts.hooks?.beforePerform?.(job);
        await job.beforePerform?.();
      } catch (e) {
        if (e instanceof DontPerform) {
          f.endedMs = Date.now();
          return true;
        }
        throw e;
      }
      const result = await job.perform();
      await job.afterPerform?.(result);
      await this.opts.hooks?.afterPerform?.(job, result);
      f.endedMs = Date.now();
      this.emit("success", f.queue, p, result, f.endedMs - f.startedMs, f.slotId);
      return true;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (slotOf()?.current !== f) return false;
      const retry = cls ? retryPlan(cls, p, err) : undefined;
      if (retry && (await this.scheduleRetry(f, retry, err))) {
        this.emit("retry", f.queue, p, err, retry.attempt, retry.ts, f.slotId);
        return false;
      }
      try {
        await job?.onFailure?.(err);
        await this.opts.hooks?.onFailure?.(err, { job, payload: p, queue: f.queue });
      } catch (hookErr) {
        this.emit("error", hookErr as Error);
      }
      await this.recordFailure(f, err);
      this.emit("failure", f.queue, p, err, f.slotId);
      return false;
    } finally {
      if (!this.stopping && this.concurrency === 1 && !this.pausedBySignal) this.title(this.waitingTitle());
    }
  }

  /** Moves a failed attempt to the delayed queue (one Lua call); false when the entry was gone. */
  private async scheduleRetry(f: InFlight, plan: RetryPlanned, err: Error): Promise<boolean> {
    const k = this.conn.keys;
    const item = encodeDelayedItem(f.payload.className!, plan.argsArray, f.queue);
    const now = Date.now();
    const note: RetryNote = {
      attempt: plan.attempt,
      retries: plan.attempts - 1,
      exception: err.name || "Error",
      error: err.message.slice(0, 2000),
      failedAt: new Date(now).toISOString(),
      worker: f.slotId,
    };
    const ttlSec = Math.max(1, plan.ts - Math.floor(now / 1000)) + RETRY_NOTE_KEEP_SEC;
    const keys = [
      k.worker(f.slotId),
      k.statProcessed,
      k.statProcessedOf(f.slotId),
      k.delayed(plan.ts),
      k.timestamps(item),
      k.delayedSchedule,
      k.statRetried,
      k.schedulerWake,
      k.retryNote(sha1Hex(item)),
      k.metricsProcessed,
      k.metricsDuration,
    ];
    const args = [f.digest, item, plan.ts, JSON.stringify(note), ttlSec, ...this.metricArgs(f, now)];
    const done = await this.conn.run<number>("retry-job", keys, args);
    if (done === 1) {
      this.unconfirmed++;
      this.remember([], { script: "retry-job", f, keys, args });
    }
    return done === 1;
  }

  private async recordFailure(f: InFlight, err: Error): Promise<void> {
    const k = this.conn.keys;
    const record = buildFailureRecord({
      payloadRaw: f.raw,
      exception: err.name || "Error",
      error: err.message,
      backtrace: backtraceOf(err),
      worker: f.slotId,
      queue: f.queue,
    });
    const statusKey = f.payload.id ? k.jobStatus(f.payload.id) : "";
    // Measured now, not at each resend: a retry while Redis is away must not lengthen the job.
    const metrics = this.metricArgs(f, Date.now());
    const keys = [
      k.worker(f.slotId),
      k.failed,
      k.statFailed,
      k.statFailedOf(f.slotId),
      k.statProcessed,
      k.statProcessedOf(f.slotId),
      k.metricsProcessed,
      k.metricsFailed,
      k.metricsDuration,
    ];
    const args = [record, statusKey, Math.floor(Date.now() / 1000), f.digest, ...metrics];
    for (let attempt = 0; ; attempt++) {
      try {
        const recorded = await this.conn.run<number>("fail-job", keys, args);
        if (recorded === 1) {
          this.unconfirmed++;
          this.remember([], { script: "fail-job", f, keys, args });
        }
        // worker:<id> no longer holds this job (pruned or stopped meanwhile): whatever it holds now
        // comes back from the next reserve, and the loop brake stops it from coming back forever.
        if (recorded === 0)
          this.emit(
            "error",
            new Error(`failure of ${f.payload.className ?? "a job"} not recorded: ${k.worker(f.slotId)} changed`),
          );
        return;
      } catch (e) {
        // The record must not be lost: while Redis is away the job stays in worker:<id>.
        if (this.stopping === "now" || attempt > 50) throw e;
        await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  private unregistered = false;

  /** Unregisters every slot, settling what each still holds (`errorOf` names the reason per slot). */
  private async unregister(errorOf: (s: Slot) => ResqueError | undefined = () => undefined): Promise<void> {
    if (this.unregistered) return;
    this.unregistered = true;
    const errors = this.slots.map(errorOf);
    // Held reservations never started: they go back to their queue (as in launch()).
    const held = this.slots.map((s) => !!s.held);
    for (const s of this.slots) {
      s.current = undefined;
      s.held = undefined;
    }
    this.running = false;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.blocker?.disconnect();
    await Promise.all(
      this.slots.map((s, i) =>
        unregisterWorker(this.conn, s.id, {
          registry: this.opts.registry,
          error: errors[i],
          preferRequeue: held[i],
          keepPing: true,
        }),
      ),
    );
  }
}

/** Flag "r" of a reserve reply: an entry a previous call left in the slot (compared as bytes, once per job). */
function handedBack(flag: Buffer): boolean {
  return flag.length === 1 && flag[0] === 0x72;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}
