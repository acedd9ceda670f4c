/**
 * Records as the dashboard ships them: bounded and safe to render.
 *
 * A list page and its 2 s poll used to carry every record whole, three times over (the raw text,
 * the decoded object and its args), so one 2 MB argument cost 6 MB a poll; and a lone surrogate
 * from a `"\ud800"` escape rendered differently on the server and in the browser (React #418).
 * These helpers cut every text to a limit, say how long it was, and make every string
 * well-formed. Lists use LIST_CLIP per record; an item's own page DETAIL_CLIP.
 */
import { JSON_LIMITS, truncate, wellFormed } from "../bounded-json";
import type { ParsedDate } from "../dates";
import type { DecodedPayload } from "../payload";
import type { FailedJob, QueuedJob, WorkerInfo } from "./types";

/** Characters of args or raw text per record in lists and polls. */
export const LIST_CLIP = 2000;
/** Characters of any one text on an item's own page (64 KB of a 2 MB record, with its size). */
export const DETAIL_CLIP = 64 * 1024;
/** Backtrace frames shipped at most (a frame is clipped like any text). */
const MAX_FRAMES = 200;

/** A text cut to `max` characters, well-formed. */
export function clipText(s: string, max: number): string {
  return wellFormed(truncate(s, max).text);
}

/**
 * A copy of a decoded JSON value with every string well-formed and cut to `max`. Values reach
 * here from parseJsonBounded, so nesting is at most JSON_LIMITS.maxDepth; deeper input is
 * replaced by a marker rather than recursed into.
 */
export function wireSafe<T>(v: T, max: number, depth = 0): T {
  if (typeof v === "string") return clipText(v, max) as T;
  if (v === null || typeof v !== "object") return v;
  if (depth > JSON_LIMITS.maxDepth) return "…" as T;
  if (Array.isArray(v)) return v.map((x) => wireSafe(x, max, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[wellFormed(k)] = wireSafe(x, max, depth + 1);
  return out as T;
}

/** The args as one line of JSON text (the raw text when they could not be decoded). */
export function payloadArgsText(p: DecodedPayload): string {
  if (p.argsClip) return p.argsClip.text;
  if (!p.ok && p.argsArray.length === 0) return p.raw;
  return JSON.stringify(p.argsArray) ?? "";
}

/**
 * A payload with its args and raw text within `max` characters. Small payloads keep their
 * decoded args (the page indents them); a large one carries its args as cut text in `argsClip`
 * with the full length, and no decoded copy.
 */
export function clipPayload(p: DecodedPayload, max: number): DecodedPayload {
  const args = payloadArgsText(p);
  const scalars = {
    raw: clipText(p.raw, max),
    ok: p.ok,
    ...(p.error !== undefined && { error: clipText(p.error, max) }),
    ...(p.className !== undefined && { className: clipText(p.className, max) }),
    ...(p.displayClass !== undefined && { displayClass: clipText(p.displayClass, max) }),
    ...(p.id !== undefined && { id: clipText(p.id, max) }),
    ...(p.queueTimeMs !== undefined && { queueTimeMs: p.queueTimeMs }),
  };
  if (args.length <= max && p.raw.length <= max) {
    return {
      ...scalars,
      argsArray: wireSafe(p.argsArray, max),
      ...(p.namedArgs !== undefined && { namedArgs: wireSafe(p.namedArgs, max) }),
      ...(p.object !== undefined && { object: wireSafe(p.object, max) }),
    };
  }
  return {
    ...scalars,
    argsArray: [],
    argsClip: { text: clipText(args, max), chars: args.length },
    rawChars: p.raw.length,
  };
}

/** A date as read, its `raw` text (as the record wrote it: any string) cut like the others. */
function clipDate<D extends ParsedDate | undefined>(d: D, max: number): D {
  return (d && { ...d, raw: clipText(d.raw, max) }) as D;
}

/** A failure record within `max` characters per text; `rawChars` says how long the record is when cut. */
export function clipFailedJob(job: FailedJob, max: number): FailedJob {
  const out: FailedJob = {
    ...job,
    raw: clipText(job.raw, max),
    exception: clipText(job.exception, max),
    error: clipText(job.error, max),
    worker: clipText(job.worker, max),
    queue: clipText(job.queue, max),
    backtrace: job.backtrace.slice(0, MAX_FRAMES).map((f) => clipText(f, max)),
    payload: clipPayload(job.payload, max),
    failedAt: clipDate(job.failedAt, max),
  };
  if (job.retriedAt) out.retriedAt = clipDate(job.retriedAt, max);
  if (job.parseError !== undefined) out.parseError = clipText(job.parseError, max);
  if (job.failureId !== undefined) out.failureId = clipText(job.failureId, max);
  if (job.raw.length > max) out.rawChars = job.raw.length;
  if (job.backtrace.length > MAX_FRAMES) out.backtraceFrames = job.backtrace.length;
  return out;
}

/**
 * A pending job within `max` characters. Its raw text is what Remove sends back to match the
 * stored entry, so a cut one also carries `digest` (sha1 of the stored bytes) to match by.
 */
export function clipQueuedJob<J extends QueuedJob>(job: J, max: number): J {
  if (job.raw.length <= max) return { ...job, payload: clipPayload(job.payload, max) };
  return { ...job, raw: clipText(job.raw, max), rawChars: job.raw.length, payload: clipPayload(job.payload, max) };
}

/** A worker with the payload it is running cut like a list's (its id is kept whole: Prune matches it). */
export function clipWorker(w: WorkerInfo, max: number): WorkerInfo {
  return {
    ...w,
    queues: w.queues.map((q) => clipText(q, max)),
    started: clipDate(w.started, max),
    heartbeat: clipDate(w.heartbeat, max),
    ...(w.job && {
      job: {
        queue: clipText(w.job.queue, max),
        runAt: clipDate(w.job.runAt, max),
        payload: clipPayload(w.job.payload, max),
      },
    }),
  };
}
