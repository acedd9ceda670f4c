/**
 * Pure helpers for failure records (docs/resque-protocol.md#failure-records, docs/resque-protocol.md#failure-ids):
 * ids, liberal decoding of every implementation's record shape, filters, and the exact bytes a retry pushes back.
 */
import { parseResqueDate } from "../dates";
import { ErrorCode, ResqueError } from "../errors";
import { decodePayload, payloadForRequeue, type DecodedPayload } from "../payload";
import { parseJsonBounded } from "../bounded-json";
import { rawField, tryParse } from "../raw-json";
import type { FailedFilter, FailedJob } from "./types";

/** Length of the digest part of a failed-job id (64 bits of sha1: collisions within one list are not a concern). */
export const DIGEST_HEX = 16;

export { sha1Hex } from "../hash";

/** `<index>-<digest>`, Sidekiq's `<score>-<jid>` idea applied to a list (see docs/resque-protocol.md#failure-ids). */
export function formatFailedId(index: number, sha1: string): string {
  return `${index}-${sha1.slice(0, DIGEST_HEX)}`;
}

/** Parses an id from the UI; null when it is not ours (never trust a bare index). */
export function parseFailedId(id: string): { index: number; digest: string } | null {
  const m = /^(\d{1,15})-([0-9a-f]{16})$/.exec(typeof id === "string" ? id : "");
  if (!m) return null;
  return { index: Number(m[1]), digest: m[2]! };
}

/** Only `failed` and Ruby's multi-queue `<queue>_failed` lists may be addressed, so an id cannot reach arbitrary keys. */
export function assertFailedListName(list: string): void {
  if (typeof list !== "string" || !(list === "failed" || /^[^\s\x00-\x1f]{1,200}_failed$/.test(list))) {
    throw new ResqueError(
      ErrorCode.InvalidQueueName,
      `Not a failure list: ${JSON.stringify(list)} (use "failed" or "<queue>_failed")`,
      "InvalidFailedList",
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string =>
  typeof v === "string" ? v : v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

/**
 * The payload as its exact bytes plus a decoded view. Records hold the payload as an object
 * (everyone), as a JSON string (ours, when the queued value was not an object), or as a bare
 * args array (node-resque's Retry plugin).
 */
export function payloadOfRecord(raw: string): { payloadRaw?: string; payload: DecodedPayload } {
  const p = rawField(raw, "payload");
  if (p === undefined) return { payload: { ...decodePayload(""), error: "record has no payload" } };
  if (p.startsWith('"')) {
    const inner = tryParse(p);
    if (typeof inner === "string") return { payloadRaw: inner, payload: decodePayload(inner) };
  }
  if (p.startsWith("[")) {
    const args = tryParse(p);
    return {
      payloadRaw: p,
      payload: {
        raw: p,
        ok: false,
        error: "payload is a bare args array (node-resque Retry plugin record)",
        argsArray: Array.isArray(args) ? args : [],
      },
    };
  }
  return { payloadRaw: p, payload: decodePayload(p) };
}

/** Decodes one stored record; tolerant of missing fields, `backtrace` null/string/array and invalid JSON. */
export function decodeFailedRecord(raw: string, index: number, sha1: string, list = "failed"): FailedJob {
  const parsed = parseJsonBounded(raw);
  const obj = parsed.ok ? parsed.value : undefined;
  const id = formatFailedId(index, sha1);
  if (!isObject(obj)) {
    return {
      id,
      index,
      list,
      raw,
      // An unreadable record is still listed, with why, so it can be seen and removed by its bytes.
      parseError: parsed.ok
        ? "record is not a JSON object"
        : parsed.problem === "invalid"
          ? "record is not valid JSON"
          : `record ${parsed.message}`,
      failedAt: parseResqueDate(undefined),
      exception: "",
      error: "",
      backtrace: [],
      worker: "",
      queue: "",
      payload: { ...decodePayload(""), error: "unparseable failure record" },
    };
  }
  const { payload } = payloadOfRecord(raw);
  const bt = obj.backtrace;
  const backtrace = Array.isArray(bt) ? bt.map(str) : typeof bt === "string" ? bt.split("\n") : [];
  const first = payload.argsArray[0];
  const attempt = isObject(first) && typeof first._attempt === "number" ? first._attempt : undefined;
  // node-resque records may lack `queue` in odd cases; its payload repeats it.
  const queue = str(obj.queue) || str(payload.object?.queue);
  const job: FailedJob = {
    id,
    index,
    list,
    raw,
    failedAt: parseResqueDate(obj.failed_at),
    exception: str(obj.exception),
    error: str(obj.error),
    backtrace,
    worker: str(obj.worker),
    queue,
    payload,
  };
  if (obj.retried_at != null) job.retriedAt = parseResqueDate(obj.retried_at);
  if (attempt !== undefined) job.attempt = attempt;
  if (typeof obj.failure_id === "string") job.failureId = obj.failure_id;
  return job;
}

const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * The record with its JSON string escapes decoded, for substring search: php writes `a\/b` and
 * `Zo\u00eb`, and users type `a/b` and `Zoë`. Every decoded string value of the record is a
 * substring of this text, which is what makes it a safe prefilter before JSON.parse.
 */
export function searchText(raw: string): string {
  if (!raw.includes("\\")) return raw;
  return raw.replace(/\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g, (_m, hex: string | undefined, c: string) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (ESCAPES[c] ?? c),
  );
}

/** True when no filter field is set. */
export function isEmptyFilter(f?: FailedFilter): boolean {
  return !f || !(f.queue || f.class || f.exception || f.text);
}

/**
 * Compiles a filter into a predicate over raw records. Exact fields are prefiltered on the
 * unescaped text and only then parsed, so scanning a long list mostly skips JSON.parse.
 */
export function compileFilter(f?: FailedFilter): (raw: string) => boolean {
  if (isEmptyFilter(f)) return () => true;
  const text = f!.text ? f!.text.toLowerCase() : undefined;
  const exact = [f!.queue, f!.class, f!.exception].filter((v): v is string => !!v);
  return (raw) => {
    const hay = searchText(raw);
    if (text !== undefined && !hay.toLowerCase().includes(text)) return false;
    if (exact.length === 0) return true;
    if (!exact.every((v) => hay.includes(v))) return false;
    const job = decodeFailedRecord(raw, 0, "0".repeat(40));
    if (f!.queue && job.queue !== f!.queue) return false;
    if (f!.class && job.payload.className !== f!.class && job.payload.displayClass !== f!.class) return false;
    if (f!.exception && job.exception !== f!.exception) return false;
    return true;
  };
}

/** One filter field as substrings for the in-Redis first pass: any alternative may match. */
export interface GrepGroup {
  /** Search the ASCII-lowercased record (the free-text field). */
  ci: boolean;
  alts: string[];
}

/** Printable ASCII that no JSON encoder we know escapes, apart from `"`, `\` and `/`. */
const GREP_SAFE = /^[\x20-\x7e]+$/;
/** Characters some encoders write as \uXXXX (Rails escapes `<>&`; php may escape `'`). */
const GREP_VARIES = /[<>&']/;
const GREP_TEXT = /^[A-Za-z0-9 _.:,;!?#$%()*+=@^`|~{}[\]-]+$/;

/**
 * The filter as needles the stored bytes must contain, or null when a value could be encoded in
 * ways we cannot enumerate (non-ASCII, `<`, ...): then the client scans everything. Every record
 * compileFilter accepts contains one alternative of each group, so the first pass only drops
 * records that could never match; the exact check still runs on what it returns.
 */
export function grepNeedles(f?: FailedFilter): GrepGroup[] | null {
  if (isEmptyFilter(f)) return null;
  const groups: GrepGroup[] = [];
  for (const v of [f!.queue, f!.class, f!.exception]) {
    if (!v) continue;
    if (!GREP_SAFE.test(v) || GREP_VARIES.test(v)) return null;
    const escaped = JSON.stringify(v).slice(1, -1);
    // php's json_encode writes "/" as "\/"; one encoder is consistent within a record.
    groups.push({ ci: false, alts: escaped.includes("/") ? [escaped, escaped.replace(/\//g, "\\/")] : [escaped] });
  }
  if (f!.text) {
    // Free text is matched against the decoded record, structure included; needles are exact
    // only for characters that are never escaped and never structure.
    if (!GREP_TEXT.test(f!.text)) return null;
    groups.push({ ci: true, alts: [f!.text.toLowerCase()] });
  }
  return groups;
}

/**
 * What a retry pushes onto which queue: the record's payload bytes (php's `id` and escaping
 * kept, `queue_time` refreshed only when present), or a reason it cannot be retried.
 *
 * A record or payload beyond our decoder's limits (bounded-json.ts: 64 levels, 16 MB) is still
 * JSON that another client's worker may run (Ruby reads 100 levels, php 512), so it is retried
 * by its top-level fields, found without parsing the whole (raw-json.ts), bytes unchanged.
 */
export function requeueTarget(raw: string, nowSec?: number): { queue: string; payload: string } | { reason: string } {
  const parsed = parseJsonBounded(raw);
  if (!parsed.ok && parsed.problem === "invalid") return { reason: "the failure record is not valid JSON" };
  if (parsed.ok && !isObject(parsed.value)) return { reason: "the failure record is not a JSON object" };
  const { payloadRaw, payload } = payloadOfRecord(raw);
  if (payloadRaw === undefined) return { reason: "the failure record has no payload" };
  if (parsed.ok && isObject(parsed.value) && isObject(payload.object)) {
    if (!payload.className) return { reason: "the payload has no class" };
    const queue = str(parsed.value.queue) || str(payload.object.queue);
    if (!queue) return { reason: "the failure record names no queue" };
    return { queue, payload: payloadForRequeue(payloadRaw, nowSec) };
  }
  if (parsed.ok && !payload.beyondLimits)
    return { reason: `the payload cannot be requeued: ${payload.error ?? "not a JSON object"}` };
  return requeueTargetByFields(raw, payloadRaw, nowSec);
}

/** requeueTarget for JSON too deep or too large to decode: the class and queue read as top-level strings. */
function requeueTargetByFields(
  raw: string,
  payloadRaw: string,
  nowSec?: number,
): { queue: string; payload: string } | { reason: string } {
  const topString = (json: string, key: string): string | undefined => {
    try {
      const v = rawField(json, key);
      const s = v?.startsWith('"') ? tryParse(v) : undefined;
      return typeof s === "string" && s !== "" ? s : undefined;
    } catch {
      return undefined; // malformed: judged below as a missing field
    }
  };
  if (!payloadRaw.trimStart().startsWith("{")) return { reason: "the payload cannot be requeued: not a JSON object" };
  if (!topString(payloadRaw, "class")) return { reason: "the payload has no class" };
  const queue = topString(raw, "queue") ?? topString(payloadRaw, "queue");
  if (!queue) return { reason: "the failure record names no queue" };
  return { queue, payload: payloadForRequeue(payloadRaw, nowSec) };
}
