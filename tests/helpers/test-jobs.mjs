// Job classes for tests that run real worker processes (loaded through APP_INCLUDE, as php's
// workers load application code). Plain JS so the bundled worker runs them without a TS loader.
// Each job records what happened in Redis under the worker's namespace.
import { appendFileSync, existsSync } from "node:fs";
import { Redis } from "ioredis";

let redis;
const r = () => {
  if (!redis) {
    redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
    redis.on("error", () => {}); // reconnects by itself; tests restart Redis on purpose
  }
  return redis;
};
const ns = () => (process.env.RESQUE_NAMESPACE ?? "resque") + ":test:";
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

class Base {
  static queue = "default";
  static rerunOnDirtyExit = false;
  constructor(args, job) {
    this.args = args;
    this.job = job;
  }
}

/** Records `started`, waits `ms`, records `done` (sets keyed by args.n). */
export class RecordJob extends Base {
  static names = ["RecordJob"];
  async perform() {
    await r().sadd(ns() + "started", String(this.args.n));
    if (this.args.ms) await sleep(this.args.ms);
    await r().sadd(ns() + "done", String(this.args.n));
    await r().incr(ns() + "runs:" + this.args.n);
  }
}

/** Same, but safe to run twice: a killed worker's job goes back to its queue. */
export class RerunnableJob extends RecordJob {
  static names = ["RerunnableJob"];
  static rerunOnDirtyExit = true;
}

export class FailJob extends Base {
  static names = ["FailJob"];
  perform() {
    throw new Error(`failing on purpose: ${this.args.why ?? "test"}`);
  }
}

/** Always fails; its class allows two attempts, so the first failure is retried at once (no backoff). */
export class RetryOnceJob extends Base {
  static names = ["RetryOnceJob"];
  static retry = { attempts: 2 };
  perform() {
    throw new Error("failing on purpose, every attempt");
  }
}

/** Fails until the flag `test:flag:<args.flag>` is set in Redis, then records `done` (a job someone fixed and retries). */
export class FlakyJob extends Base {
  static names = ["FlakyJob"];
  async perform() {
    if (!(await r().exists(ns() + "flag:" + this.args.flag))) throw new Error(`flag ${this.args.flag} is not set yet`);
    await r().sadd(ns() + "done", String(this.args.flag));
  }
}

/** Blocks the event loop: only SIGKILL stops it. */
export class SpinJob extends Base {
  static names = ["SpinJob"];
  perform() {
    const end = Date.now() + (this.args.ms ?? 1000);
    while (Date.now() < end);
  }
}

/**
 * Holds its worker until the test pushes to `test:release:<n>`: a job that is "being worked" for
 * exactly as long as a test needs. A blocking pop on a connection of its own, so nothing polls.
 */
export class BlockJob extends Base {
  static names = ["BlockJob"];
  async perform() {
    await r().sadd(ns() + "started", String(this.args.n));
    const conn = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
    conn.on("error", () => {});
    try {
      await conn.blpop(ns() + "release:" + this.args.n, 0);
    } finally {
      conn.disconnect();
    }
    await r().sadd(ns() + "done", String(this.args.n));
  }
}

/** A BlockJob whose class runs at most one at a time per worker process (a per-class limit). */
export class LimitedBlockJob extends BlockJob {
  static names = ["LimitedBlockJob"];
  static concurrency = 1;
}

/**
 * Appends "n startedMs endedMs" to the file TEST_RUN_LOG when it succeeds: a record of runs
 * outside Redis, which survives a failover that loses Redis's last writes. Fails while
 * `args.failUnless` names a file that does not exist (a job someone fixes, then retries).
 */
export class LogRunJob extends Base {
  static names = ["LogRunJob"];
  async perform() {
    const started = Date.now();
    if (this.args.ms) await sleep(this.args.ms);
    if (this.args.failUnless && !existsSync(this.args.failUnless)) throw new Error("not fixed yet");
    appendFileSync(process.env.TEST_RUN_LOG, `${this.args.n} ${started} ${Date.now()}\n`);
  }
}

export default [
  LogRunJob,
  RecordJob,
  RerunnableJob,
  FailJob,
  RetryOnceJob,
  FlakyJob,
  SpinJob,
  BlockJob,
  LimitedBlockJob,
];
