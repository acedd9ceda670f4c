/**
 * Enqueueing (RESQUE-PROTOCOL.md §3–§4): php-compatible payloads, one Lua call per queue,
 * and a whole batch in one pipelined round trip.
 */
import { Connection, execAll, type ConnectionOptions } from "./connection";
import { EnqueueVetoedError, InvalidQueueNameError } from "./errors";
import { JobRegistry, type JobClass } from "./job";
import { QUEUE_NAME } from "./keys";
import { encodePayload, newJobId } from "./payload";

/** Global before-enqueue hook: return false (or throw) to veto. */
export type BeforeEnqueueHook = (job: { queue: string; className: string; args: unknown }) => boolean | void | Promise<boolean | void>;

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

export interface EnqueuedJob {
  id?: string;
  queue: string;
  className: string;
  payload: string;
}

export class Client {
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
    const [job] = await this.enqueueMany([{ queue, class: cls, args }]);
    return job!;
  }

  /**
   * Enqueues a batch in one round trip: every job is validated first, so one bad item stores
   * nothing; then one Lua call per queue goes out in a single pipeline.
   */
  async enqueueMany(specs: EnqueueSpec[]): Promise<EnqueuedJob[]> {
    const prepared: EnqueuedJob[] = [];
    for (const spec of specs) prepared.push(await this.prepare(spec));
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
        this.conn.runOn(pipe, "enqueue", [k.queues, k.queue(queue), k.wake(queue)], [queue, ...payloads.slice(i, i + 5000)]);
      }
    }
    await execAll(pipe);
    return prepared;
  }

  private async prepare(spec: EnqueueSpec): Promise<EnqueuedJob> {
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
    const hookArg = spec.argsArray ?? argsArray[0];
    for (const hook of this.hooks) {
      if ((await hook({ queue, className, args: hookArg })) === false) throw new EnqueueVetoedError(className);
    }
    if (known?.beforeEnqueue && (await known.beforeEnqueue(hookArg, queue)) === false) throw new EnqueueVetoedError(className);
    const id = this.strictRuby ? undefined : newJobId();
    return { id, queue, className, payload: encodePayload(className, argsArray, { id, strictRuby: this.strictRuby }) };
  }
}
