/**
 * Worker settings from the environment, under the names php-resque, Ruby resque and the QSCMF
 * wrapper use (`QUEUE`, `QUEUE_COUNT`/`COUNT`, `INTERVAL`, `PREFIX`, `REDIS_BACKEND`, `QUEUE_ENV`).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import {
  durabilityFromEnv,
  namespaceFromEnv,
  namespaceProblem,
  redisTargetFromEnv,
  type RedisTarget,
} from "../lib/redis";
import { MAX_CONCURRENCY, type DurabilityOptions } from "../lib/resque/index";

/**
 * Loads `.env`, then `.env.<QUEUE_ENV>` (as `QUEUE_ENV=prod php app/queue_resque.php` picks its
 * config), without overriding variables already set in the environment.
 */
export function loadEnvFiles(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  const loaded: string[] = [];
  const files = [".env"];
  if (env.QUEUE_ENV) files.unshift(`.env.${env.QUEUE_ENV}`); // the specific file wins over .env
  for (const name of files) {
    const file = path.join(cwd, name);
    if (!existsSync(file)) {
      if (name !== ".env") throw new Error(`QUEUE_ENV=${env.QUEUE_ENV} but ${name} does not exist in ${cwd}`);
      continue;
    }
    const values = parseEnv(readFileSync(file, "utf8"));
    for (const [k, v] of Object.entries(values)) if (env[k] === undefined) env[k] = v;
    loaded.push(file);
  }
  return loaded;
}

export interface WorkerConfig {
  /** A URL or a Sentinel set (lib/redis.ts reads which). */
  redis: RedisTarget;
  namespace: string;
  queues: string[];
  count: number;
  /** Jobs each worker process runs at once (`WORKER_CONCURRENCY`, `--concurrency`): one slot each. */
  concurrency: number;
  intervalSec: number;
  /** Run the scheduler inside `work` (default); `SCHEDULER=0` leaves it to a separate process. */
  scheduler: boolean;
  /** Scheduler leader lock lifetime (resque-scheduler's LOCK_TIMEOUT), seconds. */
  lockTimeoutSec: number;
  /** `REDIS_MIN_REPLICAS_ACK` / `REDIS_ACK_TIMEOUT_MS`: writes wait for replicas (docs/architecture.md#durability). */
  durability: DurabilityOptions;
  /** `WORKER_HEAP_GROWING_PERCENT`: see workerNodeFlags. */
  heapGrowingPercent: number;
}

/** A worker process's old-generation limit after a full collection: its live heap plus this many percent. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

/** `WORKER_HEAP_GROWING_PERCENT`: a whole number from 0 (V8's own factor) to 1000; default 50. */
export function heapGrowingPercentOf(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_HEAP_GROWING_PERCENT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1000) {
    throw new Error(`WORKER_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The node flags a worker process starts with (besides the entry's own), from its heap setting.
 *
 * Why: a busy worker's heap is almost all short-lived garbage — its live heap after a full
 * collection is ~13–17 MiB at 1 slot and at 20 — but jobs that await I/O in many slots at once
 * keep objects alive across young collections, which promotes them, and V8's default lets the old
 * generation grow to up to 4 × the live heap before the next full collection. A 20-slot process
 * sending 10,000 e-mails so peaked ~30 MiB above a one-slot one, all of it garbage
 * (bench/mail.ts). At 50 % it peaks ~15 MiB above, with no change in the drain, e-mail or export
 * figures (README, Benchmark, "Memory"). 0 restores V8's default, for a
 * process that does more allocation than waiting. The flag is V8's `--heap-growing-percent`,
 * accepted on the command line (not in NODE_OPTIONS), which is why the supervisor passes it.
 */
export function workerNodeFlags(heapGrowingPercent: number): string[] {
  return heapGrowingPercent > 0 ? [`--heap-growing-percent=${heapGrowingPercent}`] : [];
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be a positive ${integer ? "whole number" : "number"}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A slot count: a whole number from 1 to MAX_CONCURRENCY (default 1, one job at a time). */
export function concurrencyOf(name: string, raw: string | undefined): number {
  const n = positiveNumber(name, raw, 1, true);
  if (n > MAX_CONCURRENCY) throw new Error(`${name} must be at most ${MAX_CONCURRENCY}, got ${JSON.stringify(raw)}`);
  return n;
}

export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const queueSpec = env.QUEUE ?? env.QUEUES ?? "*";
  const queues = queueSpec
    .split(",")
    .map((q) => q.trim())
    .filter(Boolean);
  if (queues.length === 0)
    throw new Error("QUEUE is empty: name the queues to work, e.g. QUEUE=high,default or QUEUE=*");
  const redis = redisTargetFromEnv(env);
  const namespace = namespaceFromEnv(env);
  const problem = namespaceProblem(redis, namespace);
  if (problem) throw new Error(problem);
  return {
    redis,
    namespace,
    queues,
    count: positiveNumber("QUEUE_COUNT", env.QUEUE_COUNT ?? env.COUNT, 1, true),
    concurrency: concurrencyOf("WORKER_CONCURRENCY", env.WORKER_CONCURRENCY),
    intervalSec: positiveNumber("INTERVAL", env.INTERVAL, 5, false),
    scheduler: !/^(0|false|no|off)$/i.test(env.SCHEDULER ?? ""),
    lockTimeoutSec: positiveNumber("LOCK_TIMEOUT", env.LOCK_TIMEOUT, 30, false),
    durability: durabilityFromEnv(env),
    heapGrowingPercent: heapGrowingPercentOf(env.WORKER_HEAP_GROWING_PERCENT),
  };
}
