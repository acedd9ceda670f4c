/**
 * Job classes and the registry that maps Resque class names (php `Common\Job\SendEmailJob`,
 * Ruby `Mailer::Send`, node `sendEmail`) to TypeScript classes.
 */
import { InvalidArgsError, UnknownJobClassError } from "./errors";

/**
 * The part of a zod schema the engine uses. Structural, so `lib/resque` does not depend on zod:
 * any `z.object(...)` fits.
 */
export interface ArgsSchema<T = unknown> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

/**
 * Delay before the next attempt: fixed seconds, a list per attempt (the last repeats), or
 * exponential `baseSec × factor^attempt`, capped at `maxSec`, with ± `jitter` (a fraction) so
 * many jobs failing together do not come back together.
 */
export type Backoff = number | number[] | { exponential: number; baseSec?: number; maxSec?: number; jitter?: number };

export interface RetryPolicy {
  /** Total tries, the first included: `attempts: 3` = one run plus up to two retries. */
  attempts: number;
  backoff?: Backoff;
}

/** A job as it was queued or scheduled: what `Client.enqueue*` answer. */
export interface EnqueuedJob {
  id?: string;
  queue: string;
  className: string;
  payload: string;
  /** Set when the job was scheduled instead of queued: the whole-second timestamp. */
  at?: number;
  argsArray: unknown[];
}

/**
 * What a running job may do with the client it is given: enqueue follow-ups. `Client` implements
 * it; declaring it here keeps the job contract free of the client (no import cycle).
 */
export interface JobEnqueuer {
  enqueue(queue: string, cls: string | JobClass, args?: unknown): Promise<EnqueuedJob>;
  enqueueAt(at: Date | number, queue: string, cls: string | JobClass, args?: unknown): Promise<EnqueuedJob>;
  enqueueIn(delaySec: number, queue: string, cls: string | JobClass, args?: unknown): Promise<EnqueuedJob>;
}

/** What a running job knows about itself. */
export interface JobContext {
  queue: string;
  className: string;
  /** The whole `args` array as stored; `this.args` is its first element. */
  argsArray: unknown[];
  /** php-style job id when the payload has one. */
  id?: string;
  /** Exact stored payload string. */
  raw: string;
  workerId: string;
  /** A client on the worker's Redis and namespace, for jobs that enqueue follow-ups. */
  resque: JobEnqueuer;
}

/**
 * Base class for jobs, php-resque style: `perform()` reads `this.args` (= `args[0]`).
 * Static members configure the class:
 * - `names`: Resque class names it answers to; the first is written on enqueue.
 * - `queue`: default queue.
 * - `schema`: validates `args[0]` at enqueue and before perform, with readable messages.
 * - `rerunOnDirtyExit`: true when running it twice is harmless, so a job interrupted by a
 *   killed worker goes back to its queue instead of to `failed`.
 * - `concurrency`: at most this many of its jobs run at once in one worker process (a CPU-bound
 *   class must not take every slot); the queue's other jobs still run in the free slots.
 */
export abstract class BaseJob<A = Record<string, unknown>> {
  static names: string[] = [];
  static queue = "default";
  static schema?: ArgsSchema;
  static rerunOnDirtyExit = false;
  /** At most this many of its jobs in flight per worker process (unset: any number). */
  static concurrency?: number;
  /** Retry failed attempts through the delayed queue, counting them in `args._attempt` (the seed's convention). */
  static retry?: RetryPolicy;
  /** Before-enqueue hook: return false (or throw) to veto. */
  static beforeEnqueue?(args: unknown, queue: string): boolean | void | Promise<boolean | void>;

  args: A;
  readonly job: JobContext;

  constructor(args: A, job: JobContext) {
    this.args = args;
    this.job = job;
  }

  abstract perform(): unknown | Promise<unknown>;
  /** Throw `DontPerform` here to skip the job without failing it. */
  beforePerform?(): void | Promise<void>;
  afterPerform?(result: unknown): void | Promise<void>;
  onFailure?(error: Error): void | Promise<void>;
}

// `any` in the constructor type lets subclasses narrow `args` (BaseJob<{to: string}>) and still register.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobClass = (abstract new (args: any, job: JobContext) => BaseJob<any>) & {
  names: string[];
  queue: string;
  schema?: ArgsSchema;
  rerunOnDirtyExit: boolean;
  concurrency?: number;
  retry?: RetryPolicy;
  beforeEnqueue?(args: unknown, queue: string): boolean | void | Promise<boolean | void>;
};

type ConcreteJobClass = new (args: unknown, job: JobContext) => BaseJob<unknown>;

/** Formats schema issues as one readable line: `to: Invalid email address; subject: Required`. */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ` : "") + i.message).join("; ");
}

export class JobRegistry {
  private readonly byName = new Map<string, JobClass>();

  constructor(classes: JobClass[] = []) {
    for (const c of classes) this.register(c);
  }

  register(cls: JobClass, extraNames: string[] = []): this {
    const names = [...cls.names, ...extraNames];
    if (names.length === 0) throw new Error(`Job class ${cls.name} declares no Resque class name`);
    for (const n of names) {
      const prev = this.byName.get(n);
      if (prev && prev !== cls) throw new Error(`Resque class name "${n}" is already registered to ${prev.name}`);
      this.byName.set(n, cls);
    }
    return this;
  }

  get(name: string): JobClass | undefined {
    return this.byName.get(name);
  }

  require(name: string): JobClass {
    const c = this.byName.get(name);
    if (!c) throw new UnknownJobClassError(name);
    return c;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Classes that declare a per-process `concurrency`, with every name each one answers to. */
  limited(): { cls: JobClass; names: string[]; limit: number }[] {
    const out = new Map<JobClass, string[]>();
    for (const [name, cls] of this.byName) {
      const n = cls.concurrency;
      if (n === undefined || !Number.isInteger(n) || n < 1) continue;
      out.set(cls, [...(out.get(cls) ?? []), name]);
    }
    return [...out].map(([cls, names]) => ({ cls, names, limit: cls.concurrency! }));
  }

  /** Validates `args[0]` against the class's schema, returning the parsed value. */
  static validate(cls: JobClass, className: string, args: unknown): unknown {
    if (!cls.schema) return args;
    const r = cls.schema.safeParse(args);
    if (!r.success) throw new InvalidArgsError(className, formatIssues(r.error.issues));
    return r.data;
  }

  /** Instantiates the job for a decoded payload. */
  static instantiate(cls: JobClass, args: unknown, ctx: JobContext): BaseJob<unknown> {
    return new (cls as unknown as ConcreteJobClass)(args, ctx);
  }
}
