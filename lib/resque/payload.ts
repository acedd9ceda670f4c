/**
 * Job payloads (docs/resque-protocol.md#job-payloads): what we write, and a liberal reader for what
 * php-resque, Ruby resque and node-resque write.
 */
import { randomBytes } from "node:crypto";
import { parseResqueDate } from "./dates";
import { parseJsonBounded } from "./bounded-json";
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

/** Decodes any payload shape; never throws. Accepts a raw string or an already-parsed value. */
export function decodePayload(input: string | unknown): DecodedPayload {
  const raw = typeof input === "string" ? input : JSON.stringify(input);
  const parsed = typeof input === "string" ? parseJsonBounded(input) : undefined;
  if (parsed && !parsed.ok) {
    // Too deep or too large says which limit, so a person can tell it from a typo.
    const error = parsed.problem === "invalid" ? "payload is not valid JSON" : `payload ${parsed.message}`;
    return { raw, ok: false, error, argsArray: [] };
  }
  const obj = parsed ? parsed.value : input;
  if (!isPlainObject(obj)) return { raw, ok: false, error: "payload is not a JSON object", argsArray: [] };
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
  return {
    raw,
    ok: className !== undefined,
    error: className === undefined ? "payload has no class" : undefined,
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
