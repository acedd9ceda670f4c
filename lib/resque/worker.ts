/**
 * The Resque worker: one worker id `host:pid:queues`, one job at a time.
 *
 * A job is always in exactly one place — its queue, this worker's `worker:<id>` record, or
 * `failed` — because reserve (LPOP + SET) and finish (DEL + counters, or RPUSH failed) are each
 * one Lua call; finishing a job and reserving the next share a single round trip. An idle worker
 * blocks in BLPOP on the wake-up lists our own enqueues fill, so a job from this implementation
 * starts within milliseconds, and the BLPOP timeout (`intervalSec`) polls for jobs pushed by
 * php-resque, Ruby or node-resque, which leave no wake-up token.
 */
import { EventEmitter } from "node:events";
import os from "node:os";
import type { Redis } from "ioredis";
import { Connection, type ConnectionOptions } from "./connection";
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
import { textOfBytes, workerEntryOfBytes } from "./stored-bytes";

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
}

/** How often the worker logs the same wrong-typed queue key (not on every poll). */
export const WRONG_TYPE_LOG_EVERY_MS = 60_000;

/**
 * Times the same in-flight entry may come back from reserve (flag "r") before the worker stops
 * re-running it and fails it: a settle that keeps missing must not become an endless loop.
 */
export const SAME_ENTRY_BRAKE = 2;

interface InFlight {
  queue: string;
  /** The payload as text: exact when it is UTF-8, else a lossless escape (stored-bytes.ts). */
  raw: string;
  /** SHA-1 of the exact `worker:<id>` bytes; finishing, failing and retrying name the entry by it. */
  digest: string;
  payload: DecodedPayload;
  startedMs: number;
  /** When perform ended (the finish is sent later, with the next reserve): the duration metric's end. */
  endedMs?: number;
}

export interface WorkerEvents {
  job: [queue: string, payload: DecodedPayload];
  success: [queue: string, payload: DecodedPayload, result: unknown, durationMs: number];
  failure: [queue: string, payload: DecodedPayload, error: Error];
  /** A failed attempt was rescheduled: `attempt` is the number of the next try (1 = first retry). */
  retry: [queue: string, payload: DecodedPayload, error: Error, attempt: number, atSec: number];
  error: [error: Error];
  /** Something in Redis the worker skips and a person should fix (a queue key of the wrong type). */
  problem: [message: string];
  pruned: [report: Awaited<ReturnType<typeof pruneDeadWorkers>>];
}

/** The reserve call's metric ARGV when it finishes nothing (positions stay fixed). */
const NO_METRICS = ["", "", "", ""];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Worker extends EventEmitter<WorkerEvents> {
  readonly id: string;
  readonly conn: Connection;
  private readonly opts: WorkerOptions;
  private readonly intervalMs: number;
  private blocker?: Redis;
  private running = false;
  private stopping: "graceful" | "now" | null = null;
  private pausedBySignal = false;
  private resumeWaiter?: () => void;
  private current?: InFlight;
  private loopDone?: Promise<void>;
  private heartbeatTimer?: NodeJS.Timeout;
  private queueCache: { at: number; names: string[] } = { at: 0, names: [] };
  private readonly client: Client;
  /** `*`, globs or exclusions: the queue list is read from `queues` and can change. */
  private readonly dynamicQueues: boolean;

  constructor(opts: WorkerOptions) {
    super();
    this.opts = opts;
    this.conn = new Connection(opts);
    this.client = new Client({ redis: opts.redis, namespace: opts.namespace, registry: opts.registry });
    this.intervalMs = Math.max(0.05, opts.intervalSec ?? 5) * 1000;
    this.dynamicQueues = opts.queues.some((q) => /[*?![]/.test(q));
    this.id = `${opts.hostname ?? os.hostname()}:${process.pid}:${opts.queues.join(",")}`;
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
        registry: this.opts.registry,
        hostname: this.opts.hostname,
      });
      if (report.pruned.length) this.emit("pruned", report);
    }
    // An entry under our own id is a leftover of a dead process that had the same pid
    // (containers reuse pids): settle it as a dirty exit before taking new work.
    await unregisterWorker(this.conn, this.id, { registry: this.opts.registry, keepPing: true });
    await registerWorker(this.conn, this.id);
    if (this.opts.heartbeat !== false) {
      await beat(this.conn, [this.id]);
      this.heartbeatTimer = setInterval(() => {
        beat(this.conn, [this.id]).catch((e) => this.emit("error", e as Error));
      }, HEARTBEAT_INTERVAL_SEC * 1000);
      this.heartbeatTimer.unref();
    }
    this.blocker = this.conn.redis.duplicate({ lazyConnect: false });
    this.blocker.on("error", () => {}); // reconnects on its own; failures surface through the loop
    this.title(`Waiting for ${this.opts.queues.join(",")}`);
    this.loopDone = this.loop();
  }

  /**
   * `graceful` (QUIT): finish the current job, then exit. `now` (TERM/INT): the job in flight is
   * settled as a dirty exit (or requeued when its class is safe to re-run) and the worker exits.
   */
  async stop(mode: "graceful" | "now" = "graceful"): Promise<void> {
    if (!this.running) return;
    if (this.stopping !== "now") this.stopping = mode;
    this.resumeWaiter?.();
    this.blocker?.disconnect();
    if (mode === "now" && this.current) {
      // The job may still settle later; perform() sees it is no longer `current` and writes nothing.
      await this.unregister(
        new DirtyExitError(
          `Worker ${this.id} was stopped (TERM) while processing ${this.current.payload.className ?? "a job"}`,
        ),
      );
      return;
    }
    await this.loopDone;
  }

  /** USR2: reserve nothing until `resume()`; the job in flight finishes. */
  pause(): void {
    this.pausedBySignal = true;
    this.title("Paused");
  }

  /** CONT */
  resume(): void {
    this.pausedBySignal = false;
    this.resumeWaiter?.();
  }

  private title(state: string) {
    if (this.opts.setProcessTitle) process.title = `resque-${VERSION}: ${state}`;
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

  private reserveCall(queues: string[], finish: InFlight | undefined, reserve: boolean): Promise<Buffer[] | null> {
    const k = this.conn.keys;
    const { keys, args } = reserve ? this.reserveArgs(queues) : this.finishOnlyArgs;
    const statusKey = finish?.payload.id ? k.jobStatus(finish.payload.id) : "";
    const nowMs = Date.now();
    // run_at has whole seconds: format it once per second, not once per job.
    if (nowMs - this.runAtMs >= 1000 || nowMs < this.runAtMs) {
      this.runAtMs = nowMs - (nowMs % 1000);
      this.runAt = formatIsoSeconds(new Date(this.runAtMs));
    }
    const metrics = finish ? this.metricArgs(finish, finish.endedMs ?? nowMs) : NO_METRICS;
    return this.conn.run<Buffer[] | null>(
      "reserve",
      keys,
      [
        finish?.digest ?? "",
        statusKey,
        reserve ? "1" : "0",
        this.runAt,
        Math.floor(nowMs / 1000),
        k.ns,
        ...metrics,
        ...args,
      ],
      { buffers: true },
    );
  }

  private metricArgs(f: InFlight, endedMs: number): string[] {
    return jobMetricArgs(this.opts.registry, f.queue, f.payload.className, f.startedMs, endedMs);
  }

  private runAtMs = 0;
  private reserveCache?: { queues: string[]; keys: string[]; args: string[] };

  private get finishOnlyArgs(): { keys: string[]; args: string[] } {
    const k = this.conn.keys;
    return {
      keys: [
        k.worker(this.id),
        k.statProcessed,
        k.statProcessedOf(this.id),
        k.pauseAllWorkers,
        k.pauseAll,
        k.metricsProcessed,
        k.metricsDuration,
      ],
      args: [],
    };
  }

  /** KEYS and queue ARGV for a queue list, rebuilt only when the list changes. */
  private reserveArgs(queues: string[]): { keys: string[]; args: string[] } {
    if (this.reserveCache?.queues !== queues) {
      const k = this.conn.keys;
      const { keys } = this.finishOnlyArgs;
      const args: string[] = [];
      for (const q of queues) {
        keys.push(k.queue(q), k.pauseQueue(q));
        args.push(q, JSON.stringify(q));
      }
      this.reserveCache = { queues, keys, args };
    }
    return this.reserveCache;
  }

  private runAt = "";

  /**
   * Turns a reserve reply ({"job", queue, raw, flag, digest}, as bytes) into the in-flight job.
   * Payload bytes that are not UTF-8 get an escaped `raw` and a payload that is not `ok`, so the
   * job fails with the reason instead of running on a damaged copy.
   */
  private inFlightFrom(got: Buffer[]): InFlight | undefined {
    const [, queueB, rawB, flagB, digestB] = got;
    let queue = queueB!.toString();
    let payloadBytes = rawB!;
    if (flagB!.toString() === "r") {
      // Our own entry from a call whose reply was lost: run that job.
      const e = workerEntryOfBytes(rawB!);
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
    return { queue, raw: text.text, digest: digestB!.toString(), payload, startedMs: Date.now() };
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
   * Fails the entry in `worker:<id>` without running it again (the loop brake): unregister
   * settles it by its bytes as a failure record, and the worker registers again.
   */
  private async brake(f: InFlight): Promise<void> {
    const err = new StuckJobError(
      `Worker ${this.id} was handed the same in-flight entry ${SAME_ENTRY_BRAKE + 1} times ` +
        `(${f.payload.className ?? "unreadable payload"}); failed instead of run again`,
    );
    this.emit("error", err);
    await unregisterWorker(this.conn, this.id, { registry: this.opts.registry, error: err, keepPing: true });
    await registerWorker(this.conn, this.id);
  }

  private async loop(): Promise<void> {
    let toFinish: InFlight | undefined;
    let backoffMs = 0;
    let lastDigest = "";
    let sameCount = 0;
    while (this.stopping === null) {
      try {
        if (this.pausedBySignal) {
          if (toFinish) await this.reserveCall([], toFinish, false);
          toFinish = undefined;
          await new Promise<void>((r) => (this.resumeWaiter = r));
          this.resumeWaiter = undefined;
          this.title(`Waiting for ${this.opts.queues.join(",")}`);
          continue;
        }
        const queues = await this.queueNames();
        const got = await this.reserveCall(queues, toFinish, queues.length > 0);
        toFinish = undefined;
        backoffMs = 0;
        const kind = got?.[0]?.toString();
        if (kind === "idle") this.reportWrongTypes(got!.slice(1));
        else if (kind === "job") this.reportWrongTypes(got!.slice(5));
        if (kind !== "job") {
          await this.waitForWork(queues);
          continue;
        }
        const inFlight = this.inFlightFrom(got!);
        const again = got![3]!.toString() === "r" && got![4]!.toString() === lastDigest;
        sameCount = again ? sameCount + 1 : 0;
        lastDigest = got![4]!.toString();
        if (inFlight && sameCount >= SAME_ENTRY_BRAKE) {
          await this.brake(inFlight);
          continue;
        }
        if (!inFlight) {
          // Not an entry we could have written: settle it as a dirty exit and carry on.
          await unregisterWorker(this.conn, this.id, { registry: this.opts.registry, keepPing: true });
          await registerWorker(this.conn, this.id);
          continue;
        }
        this.current = inFlight;
        const ok = await this.perform(inFlight);
        if (this.current !== inFlight) continue; // settled elsewhere (stop now)
        this.current = undefined;
        if (ok) toFinish = inFlight;
      } catch (e) {
        if (this.stopping) break;
        this.emit("error", e as Error);
        // Redis is unreachable or restarting: back off, keep the job record where it is.
        backoffMs = Math.min(5000, backoffMs ? backoffMs * 2 : 100);
        await sleep(backoffMs);
        if (toFinish) {
          try {
            await this.reserveCall([], toFinish, false);
            toFinish = undefined;
          } catch {
            /* retried on the next turn */
          }
        }
      }
    }
    try {
      if (toFinish) await this.reserveCall([], toFinish, false);
    } catch (e) {
      this.emit("error", e as Error);
    }
    await this.unregister();
  }

  /**
   * Blocks until our enqueue path leaves a wake-up token on one of our queues (or, for `*` and
   * glob workers, on `tsq:wake:*`, which marks a queue created since the list was read), or until
   * the poll interval passes.
   */
  private async waitForWork(queues: string[]): Promise<void> {
    if (!this.blocker || this.stopping) return;
    const k = this.conn.keys;
    const keys = queues.map((q) => k.wake(q));
    if (this.dynamicQueues) keys.push(k.wake("*"));
    if (keys.length === 0) {
      await sleep(this.intervalMs);
      return;
    }
    try {
      const got = await this.blocker.blpop(...keys, this.intervalMs / 1000);
      if (got && got[0] === k.wake("*")) this.queueCache.at = 0;
    } catch (e) {
      if (this.stopping) return;
      throw e;
    }
  }

  /** Runs one job; returns true on success (finish deferred to the next reserve call). */
  private async perform(f: InFlight): Promise<boolean> {
    const p = f.payload;
    let job: BaseJob<unknown> | undefined;
    let cls: JobClass | undefined;
    this.emit("job", f.queue, p);
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
        workerId: this.id,
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
      this.emit("success", f.queue, p, result, f.endedMs - f.startedMs);
      return true;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (this.current !== f) return false;
      const retry = cls ? retryPlan(cls, p, err) : undefined;
      if (retry && (await this.scheduleRetry(f, retry, err))) {
        this.emit("retry", f.queue, p, err, retry.attempt, retry.ts);
        return false;
      }
      try {
        await job?.onFailure?.(err);
        await this.opts.hooks?.onFailure?.(err, { job, payload: p, queue: f.queue });
      } catch (hookErr) {
        this.emit("error", hookErr as Error);
      }
      await this.recordFailure(f, err);
      this.emit("failure", f.queue, p, err);
      return false;
    } finally {
      if (!this.stopping) this.title(`Waiting for ${this.opts.queues.join(",")}`);
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
      worker: this.id,
    };
    const ttlSec = Math.max(1, plan.ts - Math.floor(now / 1000)) + RETRY_NOTE_KEEP_SEC;
    const done = await this.conn.run<number>(
      "retry-job",
      [
        k.worker(this.id),
        k.statProcessed,
        k.statProcessedOf(this.id),
        k.delayed(plan.ts),
        k.timestamps(item),
        k.delayedSchedule,
        k.statRetried,
        k.schedulerWake,
        k.retryNote(sha1Hex(item)),
        k.metricsProcessed,
        k.metricsDuration,
      ],
      [f.digest, item, plan.ts, JSON.stringify(note), ttlSec, ...this.metricArgs(f, now)],
    );
    return done === 1;
  }

  private async recordFailure(f: InFlight, err: Error): Promise<void> {
    const k = this.conn.keys;
    const record = buildFailureRecord({
      payloadRaw: f.raw,
      exception: err.name || "Error",
      error: err.message,
      backtrace: backtraceOf(err),
      worker: this.id,
      queue: f.queue,
    });
    const statusKey = f.payload.id ? k.jobStatus(f.payload.id) : "";
    // Measured now, not at each resend: a retry while Redis is away must not lengthen the job.
    const metrics = this.metricArgs(f, Date.now());
    for (let attempt = 0; ; attempt++) {
      try {
        const recorded = await this.conn.run<number>(
          "fail-job",
          [
            k.worker(this.id),
            k.failed,
            k.statFailed,
            k.statFailedOf(this.id),
            k.statProcessed,
            k.statProcessedOf(this.id),
            k.metricsProcessed,
            k.metricsFailed,
            k.metricsDuration,
          ],
          [record, statusKey, Math.floor(Date.now() / 1000), f.digest, ...metrics],
        );
        // worker:<id> no longer holds this job (pruned or stopped meanwhile): whatever it holds now
        // comes back from the next reserve, and the loop brake stops it from coming back forever.
        if (recorded === 0)
          this.emit(
            "error",
            new Error(`failure of ${f.payload.className ?? "a job"} not recorded: ${k.worker(this.id)} changed`),
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

  private async unregister(error?: ResqueError): Promise<void> {
    if (this.unregistered) return;
    this.unregistered = true;
    this.current = undefined;
    this.running = false;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.blocker?.disconnect();
    await unregisterWorker(this.conn, this.id, { registry: this.opts.registry, error, keepPing: true });
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}
