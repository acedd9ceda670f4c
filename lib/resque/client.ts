/**
 * Enqueueing (docs/resque-protocol.md#queues, docs/resque-protocol.md#job-payloads): php-compatible payloads,
 * one Lua call per queue, and a whole batch in one pipelined round trip.
 */
import { Connection, execAll, type ConnectionOptions } from "./connection";
import { EnqueueVetoedError, InvalidQueueNameError } from "./errors";
import { JobRegistry, type EnqueuedJob, type JobClass, type JobEnqueuer } from "./job";
import { QUEUE_NAME } from "./keys";
import { dueTimestamp, encodeDelayedItem, toEpochSeconds } from "./delayed";
import { encodePayload, newJobId } from "./payload";

/** Global before-enqueue hook: return false (or throw) to veto. */
export type BeforeEnqueueHook = (job: {
  queue: string;
  className: string;
  args: unknown;
}) => boolean | void | Promise<boolean | void>;

export interface ClientOptions extends ConnectionOptions {
  /** When given, known classes have their args validated and their hooks run before enqueue. */
  registry?: JobRegistry;
  beforeEnqueue?: BeforeEnqueueHook[];
  /** Write bare `{class,args}` payloads for consumers that reject unknown keys. */
  strictRubyPayload?: boolean;
}

export interface EnqueueSpec {
  queue?: string;
  /** A Resque class name, or a registered job class (its first name is written). */
  class: string | JobClass;
  /** php convention: one value, stored as `args: [value]`. */
  args?: unknown;
  /** Ruby/node convention: the whole positional array; takes precedence over `args`. */
  argsArray?: unknown[];
}

export class Client implements JobEnqueuer {
  readonly conn: Connection;
  private readonly registry?: JobRegistry;
  private readonly hooks: BeforeEnqueueHook[];
  private readonly strictRuby: boolean;

  constructor(opts: ClientOptions) {
    this.conn = new Connection(opts);
    this.registry = opts.registry;
    this.hooks = opts.beforeEnqueue ?? [];
    this.strictRuby = opts.strictRubyPayload ?? false;
  }

  /**
   * Enqueues one job php-style: `args` is stored as `[args]` and the job reads it as `this.args`.
   * Throws `InvalidArgsError` (nothing stored) when a registered class's schema rejects the args.
   */
  async enqueue(queue: string, cls: string | JobClass, args: unknown = {}): Promise<EnqueuedJob> {
    const job = await this.prepare({ queue, class: cls, args });
    const k = this.conn.keys;
    // One EVALSHA, no pipeline object: this is the hot path of a server action enqueueing one job.
    await this.conn.run("enqueue", [k.queues, k.queue(job.queue), k.wake(job.queue)], [job.queue, k.ns, job.payload]);
    if (this.conn.waitsForReplicas) await this.conn.requireReplicas(`${job.className} on queue ${job.queue}`);
    return job;
  }

  /**
   * Enqueues a batch in one round trip: every job is validated first, so one bad item stores
   * nothing; then one Lua call per queue goes out in a single pipeline.
   */
  async enqueueMany(specs: EnqueueSpec[]): Promise<EnqueuedJob[]> {
    const prepared: EnqueuedJob[] = [];
    // Without hooks there is nothing to await: 100,000 awaited no-ops cost as much as the encoding.
    const sync = this.hooks.length === 0;
    for (const spec of specs) {
      const built = sync ? this.build(spec) : undefined;
      prepared.push(built && !built.known?.beforeEnqueue ? built.job : await this.prepare(spec));
    }
    const byQueue = new Map<string, string[]>();
    for (const j of prepared) {
      const list = byQueue.get(j.queue);
      if (list) list.push(j.payload);
      else byQueue.set(j.queue, [j.payload]);
    }
    if (byQueue.size === 0) return prepared;
    const k = this.conn.keys;
    const pipe = this.conn.redis.pipeline();
    for (const [queue, payloads] of byQueue) {
      // Lua's argument stack is bounded; 5,000 payloads per call stays far below it.
      for (let i = 0; i < payloads.length; i += 5000) {
        this.conn.runOn(
          pipe,
          "enqueue",
          [k.queues, k.queue(queue), k.wake(queue)],
          [queue, k.ns, ...payloads.slice(i, i + 5000)],
        );
      }
    }
    await execAll(pipe);
    // One WAIT for the whole batch: it covers every write of the pipeline before it.
    if (this.conn.waitsForReplicas) await this.conn.requireReplicas(`${prepared.length} enqueued job(s)`);
    return prepared;
  }

  /**
   * Schedules a job for `at` (a Date or epoch seconds), resque-scheduler style: the item, its
   * `timestamps:` reverse index and the schedule entry in one MULTI. A time that is not in the
   * future enqueues at once, as RS does; a future one is rounded up to the whole second, so the
   * job never runs early. Validation and before-enqueue hooks run now.
   */
  async enqueueAt(at: Date | number, queue: string, cls: string | JobClass, args: unknown = {}): Promise<EnqueuedJob> {
    if (toEpochSeconds(at) <= Date.now() / 1000) return this.enqueue(queue, cls, args);
    return this.schedule(dueTimestamp(at), await this.prepare({ queue, class: cls, args }));
  }

  /** Schedules a job `delaySec` seconds from now. */
  async enqueueIn(delaySec: number, queue: string, cls: string | JobClass, args: unknown = {}): Promise<EnqueuedJob> {
    if (!Number.isFinite(delaySec)) throw new RangeError(`delay must be a number of seconds, got ${delaySec}`);
    return this.enqueueAt(Date.now() / 1000 + delaySec, queue, cls, args);
  }

  /** Schedules an already-validated job (used for retries of a failed attempt too). */
  async schedule(ts: number, job: EnqueuedJob): Promise<EnqueuedJob> {
    const k = this.conn.keys;
    const item = encodeDelayedItem(job.className, job.argsArray, job.queue);
    await execAll(
      this.conn.redis
        .multi()
        .rpush(k.delayed(ts), item)
        .sadd(k.timestamps(item), "delayed:" + ts)
        .zadd(k.delayedSchedule, ts, String(ts))
        // Wakes the leader scheduler so an item due before its next tick is not late.
        .rpush(k.schedulerWake, "1")
        .ltrim(k.schedulerWake, -1, -1),
    );
    if (this.conn.waitsForReplicas)
      await this.conn.requireReplicas(`${job.className} scheduled on queue ${job.queue} for ${ts}`);
    return { ...job, at: ts, payload: item };
  }

  /**
   * resque-scheduler's `remove_delayed`: removes every scheduled copy of the job with exactly
   * these class, queue and args (as this client encodes them). Returns how many were removed.
   */
  async removeDelayed(queue: string, cls: string | JobClass, args: unknown = {}): Promise<number> {
    const className = typeof cls === "string" ? cls : cls.names[0]!;
    const item = encodeDelayedItem(className, [args], queue);
    const k = this.conn.keys;
    return this.conn.run<number>("delayed-remove-match", [k.timestamps(item), k.delayedSchedule], [k.ns, item]);
  }

  private async prepare(spec: EnqueueSpec): Promise<EnqueuedJob> {
    const { job, known, hookArg } = this.build(spec);
    for (const hook of this.hooks) {
      if ((await hook({ queue: job.queue, className: job.className, args: hookArg })) === false)
        throw new EnqueueVetoedError(job.className);
    }
    if (known?.beforeEnqueue && (await known.beforeEnqueue(hookArg, job.queue)) === false)
      throw new EnqueueVetoedError(job.className);
    return job;
  }

  /** Validates and encodes one job; the synchronous part of `prepare`. */
  private build(spec: EnqueueSpec): { job: EnqueuedJob; known?: JobClass; hookArg: unknown } {
    const known = typeof spec.class === "string" ? this.registry?.get(spec.class) : spec.class;
    const className = typeof spec.class === "string" ? spec.class : spec.class.names[0]!;
    const queue = spec.queue ?? known?.queue ?? "default";
    if (!QUEUE_NAME.test(queue)) throw new InvalidQueueNameError(queue);
    let argsArray: unknown[];
    if (spec.argsArray) argsArray = spec.argsArray;
    else {
      const value = spec.args === undefined ? {} : spec.args;
      // Validate, but store what the caller gave: a zod object would strip keys such as `_attempt`.
      if (known) JobRegistry.validate(known, className, value);
      argsArray = [value];
    }
    const id = this.strictRuby ? undefined : newJobId();
    const job = {
      id,
      queue,
      className,
      argsArray,
      payload: encodePayload(className, argsArray, { id, strictRuby: this.strictRuby }),
    };
    return { job, known, hookArg: spec.argsArray ?? argsArray[0] };
  }
}
