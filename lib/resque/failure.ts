/**
 * Failure records in Ruby's field order (docs/resque-protocol.md#failure-records), built around the
 * stored payload bytes so a retry pushes back exactly what was queued.
 */
import { formatFailedAt } from "./dates";
import { parseJsonBounded } from "./bounded-json";
import { rawField, tryParse } from "./raw-json";

/**
 * Embeds a payload: its raw text when it is a JSON object within `JSON_LIMITS`, else the raw text
 * as a JSON string. A payload nested deeper than the limits stays flat text, so the record still
 * parses in Ruby (JSON max_nesting 100) and php (json_decode depth 512).
 */
export function embedPayload(payloadRaw: string): string {
  const v = parseJsonBounded(payloadRaw);
  return v.ok && typeof v.value === "object" && v.value !== null && !Array.isArray(v.value)
    ? payloadRaw
    : JSON.stringify(payloadRaw);
}

export function backtraceOf(err: { stack?: string } | undefined): string[] {
  if (!err?.stack) return [];
  return err.stack
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
}

export interface FailureFields {
  payloadRaw: string;
  exception: string;
  error: string;
  backtrace: string[];
  worker: string;
  queue: string;
  failedAt?: Date;
}

export function buildFailureRecord(f: FailureFields): string {
  return (
    '{"failed_at":' +
    JSON.stringify(formatFailedAt(f.failedAt)) +
    ',"payload":' +
    embedPayload(f.payloadRaw) +
    ',"exception":' +
    JSON.stringify(f.exception) +
    ',"error":' +
    JSON.stringify(f.error) +
    ',"backtrace":' +
    JSON.stringify(f.backtrace) +
    ',"worker":' +
    JSON.stringify(f.worker) +
    ',"queue":' +
    JSON.stringify(f.queue) +
    "}"
  );
}

/**
 * The raw payload inside a worker's in-flight record. Our own records and Ruby's/php's put
 * `payload` as a whole value, so its exact bytes are sliced out; a payload we stored as a JSON
 * string (it was not JSON) is unwrapped back to the original text.
 */
export function payloadFromWorkerEntry(
  entryRaw: string,
): { queue?: string; payloadRaw: string; runAt?: string } | null {
  const obj = tryParse(entryRaw) as { queue?: unknown; run_at?: unknown } | undefined;
  if (!obj || typeof obj !== "object") return null;
  const p = rawField(entryRaw, "payload");
  if (p === undefined) return null;
  const payloadRaw = p.startsWith('"') ? (tryParse(p) as string) : p;
  return {
    queue: typeof obj.queue === "string" ? obj.queue : undefined,
    payloadRaw,
    runAt: typeof obj.run_at === "string" ? obj.run_at : undefined,
  };
}
