/**
 * Job payloads (docs/resque-protocol.md#job-payloads): what we write, and a liberal reader for what
 * php-resque, Ruby resque and node-resque write.
 */
import { randomBytes } from "node:crypto";
import { JSON_LIMITS, parseJsonBounded } from "./bounded-json";
import { parseResqueDate } from "./dates";
import { rawField, replaceRawField } from "./raw-json";

let idPool = Buffer.alloc(0);
let idOffset = 0;

/**
 * 32 lowercase hex characters, like php-resque's `md5(uniqid())` ids. Random bytes are drawn
 * 4 KiB at a time: one `randomBytes` call per id was half the CPU of a bulk enqueue.
 */
export function newJobId(): string {
  if (idOffset + 16 > idPool.length) {
    idPool = randomBytes(4096);
    idOffset = 0;
  }
  idOffset += 16;
  return idPool.toString("hex", idOffset - 16, idOffset);
}

/** Wire shape of a queued payload as we write it (php-compatible superset). */
export interface WirePayload {
  class: string;
  args: unknown[];
  id?: string;
  queue_time?: number;
  [extra: string]: unknown;
}

/**
 * Encodes a payload in php-resque's key order `{"class","args","id","queue_time"}`.
 * `strictRuby` writes only `{class,args}` for consumers that reject unknown keys.
 */
export function encodePayload(
  className: string,
  argsArray: unknown[],
  opts: { id?: string; queueTimeSec?: number; strictRuby?: boolean } = {},
): string {
  const head = '{"class":' + JSON.stringify(className) + ',"args":' + JSON.stringify(argsArray);
  if (opts.strictRuby) return head + "}";
  const id = opts.id ?? newJobId();
  const qt = opts.queueTimeSec ?? Date.now() / 1000;
  return head + ',"id":' + JSON.stringify(id) + ',"queue_time":' + qt.toFixed(6).replace(/\.?0+$/, "") + "}";
}

/** A payload read from Redis: the exact stored string plus what could be decoded from it. */
export interface DecodedPayload {
  raw: string;
  /** False when the stored string is not a JSON object; `error` says why. */
  ok: boolean;
  error?: string;
  /** Set when the text is JSON beyond the decoder's limits (bounded-json.ts), so it was not read. */
  beyondLimits?: "too-deep" | "too-large";
  className?: string;
  argsArray: unknown[];
  /** `args[0]` when it is a plain object (or php's `[]` for an empty map): the php/QSCMF view. */
  namedArgs?: Record<string, unknown>;
  id?: string;
  queueTimeMs?: number;
  /** Display class: ActiveJob's wrapped `job_class` when present. */
  displayClass?: string;
  object?: Record<string, unknown>;
  /** Set when the args were too long to ship whole (lib/resque/admin/clip.ts): their first characters and full length. */
  argsClip?: { text: string; chars: number };
  /** The payload's length in characters, set with `argsClip`. */
  rawChars?: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Why a parsed text is refused, in the words a failure record and a log line use. */
function parseProblem(text: string): { obj?: unknown; error?: string; beyondLimits?: "too-deep" | "too-large" } {
  const parsed = parseJsonBounded(text);
  if (parsed.ok) return { obj: parsed.value };
  if (parsed.problem === "too-deep")
    return { error: `args too deeply nested: more than ${JSON_LIMITS.maxDepth} levels`, beyondLimits: "too-deep" };
  if (parsed.problem === "too-large")
    return { error: `payload too large: ${parsed.message}`, beyondLimits: "too-large" };
  return { error: "payload is not valid JSON" };
}

/** JSON type names for error messages: `array` and `null` rather than `object`. */
function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/**
 * True when some string (or key) in a parsed value holds a lone UTF-16 surrogate, which only a
 * `\ud800`-style escape can produce: such a string cannot be written back as UTF-8 unchanged.
 * Iterative; depth is already bounded by `parseJsonBounded`.
 */
function hasLoneSurrogate(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === "string") {
      if (!x.isWellFormed()) return true;
    } else if (Array.isArray(x)) {
      stack.push(...x);
    } else if (x !== null && typeof x === "object") {
      for (const [k, val] of Object.entries(x)) {
        if (!k.isWellFormed()) return true;
        stack.push(val);
      }
    }
  }
  return false;
}

/**
 * The first reason a worker must not run a decoded payload object, or undefined. Shapes other
 * clients really write are accepted (cjson's `{}` for empty args, missing args, no id).
 */
function shapeProblem(obj: Record<string, unknown>, mayHoldLoneSurrogate: boolean): string | undefined {
  if (obj.class === undefined) return "payload has no class";
  if (typeof obj.class !== "string") return `payload class is not a string (${jsonType(obj.class)})`;
  if (obj.class === "") return "payload class is empty";
  if (obj.class.includes("\0")) return "payload class contains a NUL character";
  const args = obj.args;
  if (args !== undefined && !Array.isArray(args) && !(isPlainObject(args) && Object.keys(args).length === 0))
    return `payload args is not an array (${jsonType(args)})`;
  if (typeof obj.id === "string" && obj.id.includes("\0")) return "payload id contains a NUL character";
  if (mayHoldLoneSurrogate && hasLoneSurrogate(obj))
    return "payload holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape)";
  return undefined;
}

/**
 * Decodes any payload shape; never throws. Accepts a raw string or an already-parsed value.
 * Text is parsed within `JSON_LIMITS` (bounded-json.ts); `ok` is false, with `error` saying why,
 * when the worker must not run it: not JSON, too deep or too large, not an object, or a field of
 * the wrong JSON type. What could be read is still filled in for display.
 */
export function decodePayload(input: string | unknown): DecodedPayload {
  const raw = typeof input === "string" ? input : JSON.stringify(input);
  const {
    obj,
    error: parseError,
    beyondLimits,
  } = typeof input === "string" ? parseProblem(input) : { obj: input, beyondLimits: undefined };
  if (!isPlainObject(obj)) {
    return {
      raw,
      ok: false,
      error: parseError ?? "payload is not a JSON object",
      ...(beyondLimits ? { beyondLimits } : {}),
      argsArray: [],
    };
  }
  const argsField = obj.args;
  // cjson turns an empty args array into {} (node-resque's worker key); treat as no args.
  const argsArray =
    argsField === undefined
      ? []
      : Array.isArray(argsField)
        ? argsField
        : isPlainObject(argsField) && Object.keys(argsField).length === 0
          ? []
          : [argsField];
  const first = argsArray[0];
  const namedArgs =
    argsArray.length === 1
      ? isPlainObject(first)
        ? first
        : Array.isArray(first) && first.length === 0
          ? {}
          : undefined
      : undefined;
  const className = typeof obj.class === "string" ? obj.class : undefined;
  let displayClass = className;
  if (
    className === "ActiveJob::QueueAdapters::ResqueAdapter::JobWrapper" &&
    isPlainObject(first) &&
    typeof first.job_class === "string"
  ) {
    displayClass = first.job_class;
  }
  const qt = obj.queue_time;
  const queueTimeMs =
    typeof qt === "number" ? qt * 1000 : typeof qt === "string" ? (parseResqueDate(qt).ms ?? undefined) : undefined;
  // A parsed string holds a lone surrogate only when the text did, or had a `\u` escape: a text
  // with neither (every payload our clients write) skips the walk over the whole value.
  const mayHoldLoneSurrogate = typeof input !== "string" || input.includes("\\u") || !input.isWellFormed();
  const problem = shapeProblem(obj, mayHoldLoneSurrogate);
  return {
    raw,
    ok: problem === undefined,
    error: problem,
    className,
    argsArray,
    namedArgs,
    id: typeof obj.id === "string" ? obj.id : undefined,
    queueTimeMs,
    displayClass,
    object: obj,
  };
}

/**
 * The payload to push back onto a queue when a failure is retried: the stored bytes of the
 * record's `payload`, with `queue_time` refreshed only when the payload already had one.
 */
export function payloadForRequeue(payloadRaw: string, nowSec = Date.now() / 1000): string {
  if (rawField(payloadRaw, "queue_time") === undefined) return payloadRaw;
  return replaceRawField(payloadRaw, "queue_time", nowSec.toFixed(6).replace(/\.?0+$/, ""));
}
