/**
 * View models returned by the admin API. The UI imports these with `import type` only, so this
 * file holds no runtime code and pulls in nothing but other type declarations.
 */
import type { ParsedDate } from "../dates";
import type { DecodedPayload } from "../payload";

/** Page request, Sidekiq paginator style: `page` is 1-based and clamped to ≥ 1. */
export interface PageOptions {
  page?: number;
  perPage?: number;
}

/** One page of a longer collection; `total` counts the whole collection (or every match). */
export interface Page<T> {
  page: number;
  perPage: number;
  total: number;
  items: T[];
}

/** A row of the Queues page. */
export interface QueueInfo {
  name: string;
  size: number;
  /** Seconds since the head job was enqueued (php `queue_time`); null when unknown. */
  latencySec: number | null;
  /** resque-pause's `pause:queue:<name>` key exists. */
  paused: boolean;
  /**
   * Set only when `queue:<name>` holds another Redis type than a list (`hash`, `string`, …):
   * no worker can read it (ours skip it), and `size` is 0.
   */
  keyType?: string;
}

/** A pending job as stored: its position from the head (0 runs next) and its exact bytes. */
export interface QueuedJob {
  index: number;
  raw: string;
  payload: DecodedPayload;
  /** `<index>-<first 16 hex of sha1(stored bytes)>`: what Remove matches when `raw` was cut or is not UTF-8. */
  ref?: string;
  /** The stored length in characters, set when `raw` was cut for a list (lib/resque/admin/clip.ts). */
  rawChars?: number;
}

/** Which pause switches are on (docs/resque-protocol.md#pausing). */
export interface PauseState {
  all: boolean;
  /** The key that pauses every worker: Ruby's `pause-all-workers` or resque-pause's `pause:all`. */
  source?: "pause-all-workers" | "pause:all";
  /** Registered queues with a `pause:queue:<name>` key. */
  queues: string[];
}

/** Filters over failure records; every given field must match. */
export interface FailedFilter {
  /** Exact queue name of the record. */
  queue?: string;
  /** Exact job class (or ActiveJob's wrapped `job_class`). */
  class?: string;
  /** Exact exception class name. */
  exception?: string;
  /** Case-insensitive substring of the record with its JSON escapes decoded (so `a/b` finds php's `a\/b`). */
  text?: string;
}

/** A failure record as stored plus what could be decoded from it; never throws on odd records. */
export interface FailedJob {
  /** `<list index>-<first 16 hex of sha1(raw bytes)>`: stable while records are appended. */
  id: string;
  /** Position in the Redis list (0 = oldest). */
  index: number;
  /** Failure list name without namespace: `failed`, or Ruby's multi-queue `<queue>_failed`. */
  list: string;
  raw: string;
  /** Set when the record itself is not a JSON object. */
  parseError?: string;
  failedAt: ParsedDate;
  retriedAt?: ParsedDate;
  exception: string;
  error: string;
  backtrace: string[];
  /** Worker id (Ruby, php) or node-resque worker name (`host:pid`). */
  worker: string;
  queue: string;
  payload: DecodedPayload;
  /** `args[0]._attempt` when it is a number (retry bookkeeping written into the args). */
  attempt?: number;
  /** Ruby's per-failure UUID, when present (resque PR #1943). */
  failureId?: string;
  /** The record's length in characters, set when `raw` was cut (lib/resque/admin/clip.ts). */
  rawChars?: number;
  /** How many frames the backtrace has, set when only the first ones were shipped. */
  backtraceFrames?: number;
}

/** One row of the "failures by class" summary. */
export interface FailedGroup {
  className: string;
  exception: string;
  count: number;
  /** Newest record of the group. */
  sampleId: string;
}

/** A failure list and its length, for the list picker. */
export interface FailedListInfo {
  name: string;
  size: number;
}

/**
 * Why an id was not acted on, as a code to branch on:
 * - `stale`: the record changed or was removed since the list was read (reload and try again);
 * - `bad_id`: not a failed-job id (`<index>-<16 hex>`);
 * - `not_utf8`: the record is not valid UTF-8, so it can only be removed, not requeued;
 * - `not_requeueable`: the record or its payload cannot be requeued (no JSON object, no class, no queue).
 */
export type SkipCode = "stale" | "bad_id" | "not_utf8" | "not_requeueable";

/** An id that was not acted on: the code, and the reason as an English sentence (the CLI prints it). */
export interface SkippedId {
  id: string;
  code: SkipCode;
  reason: string;
}

/** Outcome of a retry, bull-board `retryAll` style: how many went out and what was left alone. */
export interface RetryResult {
  retried: number;
  skipped: SkippedId[];
}

/** Outcome of a removal. */
export interface RemoveResult {
  removed: number;
  skipped: SkippedId[];
}

/** `unknown` when the worker writes no liveness signal at all (php-resque). */
export type Liveness = "alive" | "dead" | "unknown";

/** A registered worker, read liberally from any implementation's keys. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: string;
  /** Concurrency slot within its process (0 for a one-slot worker and for other implementations). */
  slot?: number;
  queues: string[];
  job?: { queue: string; runAt: ParsedDate; payload: DecodedPayload };
  started: ParsedDate;
  /** Ruby heartbeat, or node-resque's ping time. */
  heartbeat?: ParsedDate;
  liveness: Liveness;
  /** Where liveness came from; absent when unknown (php writes no heartbeat). */
  livenessSource?: "heartbeat" | "ping";
  processed: number;
  failed: number;
}

/** The overview numbers, resque-web's `Resque.info` plus a few more. */
export interface ResqueStats {
  /** `stat:processed`: Ruby/php count every attempt, node-resque only successes. */
  processed: number;
  /** `stat:failed`, the lifetime counter. */
  failed: number;
  /** `LLEN failed`: what resque-web shows as "failed". */
  failedListLength: number;
  queues: number;
  /** Jobs waiting in every registered queue. */
  pending: number;
  workers: number;
  working: number;
  /** Redis server clock, so the UI can age dates without trusting the web host's clock. */
  redisTimeMs: number;
}

/** `INFO` output: section name (lower case) → field → value. */
export type RedisInfo = Record<string, Record<string, string>>;

/** A key found by the key browser. */
export interface KeySummary {
  key: string;
  type: string;
  /** Length / cardinality / bytes depending on type; -1 for types we cannot size. */
  size: number;
  /** Seconds; -1 no expiry, -2 gone. */
  ttl: number;
}

/** One SCAN step of the key browser. */
export interface ScanKeysResult {
  /** "0" when the scan is complete. */
  cursor: string;
  keys: KeySummary[];
}

interface KeyValueBase {
  key: string;
  ttl: number;
}

/** A key's value for the key browser, typed and paginated (strings truncated to 64 KiB). */
export type KeyValue =
  | (KeyValueBase & { type: "none" })
  | (KeyValueBase & { type: "string"; size: number; value: string; truncated: boolean })
  | (KeyValueBase & { type: "list" } & Page<{ index: number; value: string }>)
  | (KeyValueBase & { type: "zset" } & Page<{ rank: number; member: string; score: string }>)
  | (KeyValueBase & { type: "set"; total: number; cursor: string; nextCursor: string; items: string[] })
  | (KeyValueBase & {
      type: "hash";
      total: number;
      cursor: string;
      nextCursor: string;
      items: { field: string; value: string }[];
    })
  | (KeyValueBase & {
      type: "stream";
      total: number;
      cursor: string;
      nextCursor: string;
      items: { id: string; fields: [string, string][] }[];
    })
  | (KeyValueBase & { type: "other"; redisType: string });
