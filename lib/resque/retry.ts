/**
 * Retry policies: a failed attempt goes back through the delayed queue with `args[0]._attempt`
 * incremented, until the class's attempts run out.
 */
import { DoNotRetryError, ErrorCode, ResqueError } from "./errors";
import type { Backoff, JobClass } from "./job";
import type { DecodedPayload } from "./payload";

/** Seconds to wait after failed attempt number `attempt` (0 = the first run). */
export function backoffDelaySec(backoff: Backoff | undefined, attempt: number, random = Math.random): number {
  if (backoff === undefined) return 0;
  if (typeof backoff === "number") return Math.max(0, backoff);
  if (Array.isArray(backoff)) return Math.max(0, backoff[Math.min(attempt, backoff.length - 1)] ?? 0);
  const base = (backoff.baseSec ?? 1) * backoff.exponential ** attempt;
  const capped = Math.min(backoff.maxSec ?? 3600, base);
  const jitter = backoff.jitter ?? 0;
  return Math.max(0, capped * (1 + jitter * (2 * random() - 1)));
}

/** False for failures a retry cannot fix: bad payloads, unknown classes, invalid args, DoNotRetry. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof DoNotRetryError || (err as { name?: unknown })?.name === "DoNotRetry") return false;
  if (err instanceof ResqueError)
    return ![ErrorCode.InvalidArgs, ErrorCode.InvalidPayload, ErrorCode.UnknownJobClass].includes(err.code);
  return true;
}

export interface RetryPlanned {
  attempt: number;
  /** The class's total tries, the first included. */
  attempts: number;
  ts: number;
  argsArray: unknown[];
}

/** A retry note outlives its retry's due time by this much, so a late scheduler still finds it. */
export const RETRY_NOTE_KEEP_SEC = 7 * 24 * 3600;

/** Why a waiting retry exists: the failure of the attempt before it (see keys.retryNote). */
export interface RetryNote {
  /** The retry's number (1 = first retry) and how many retries the policy allows. */
  attempt: number;
  retries: number;
  exception: string;
  error: string;
  /** ISO time of the failed attempt. */
  failedAt: string;
  worker: string;
}

/**
 * How many failed attempts came before this run of the job: `args[0]._attempt`, 0 when absent
 * (a first run, or positional args, which have nowhere to keep it).
 */
export function attemptsBefore(p: DecodedPayload): number {
  const first = p.argsArray[0];
  const done = typeof first === "object" && first !== null ? (first as { _attempt?: unknown })._attempt : undefined;
  return typeof done === "number" && Number.isInteger(done) && done >= 0 ? done : 0;
}

/**
 * The next attempt of a failed job, when its class has a retry policy, the error is retryable and
 * attempts remain. The attempt count lives in `args[0]._attempt` (the seed's convention, so php
 * jobs counting that way interoperate); jobs with positional args have nowhere to keep it.
 */
export function retryPlan(
  cls: JobClass,
  p: DecodedPayload,
  err: unknown,
  nowMs = Date.now(),
): RetryPlanned | undefined {
  const policy = cls.retry;
  if (!policy || policy.attempts <= 1 || !isRetryable(err)) return undefined;
  const first = p.argsArray[0];
  if (p.argsArray.length !== 1 || typeof first !== "object" || first === null || Array.isArray(first)) return undefined;
  const attempt = attemptsBefore(p);
  if (attempt + 1 >= policy.attempts) return undefined;
  const ts = Math.ceil((nowMs + backoffDelaySec(policy.backoff, attempt) * 1000) / 1000);
  return {
    attempt: attempt + 1,
    attempts: policy.attempts,
    ts,
    argsArray: [{ ...(first as object), _attempt: attempt + 1 }],
  };
}
