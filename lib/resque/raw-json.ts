/**
 * Byte-exact access to the top-level fields of a stored JSON object.
 *
 * Destructive and moving operations must act on the stored string, never on a
 * re-encoded copy (docs/resque-protocol.md#json-encodings-and-raw-bytes): php escapes `/` and non-ASCII, Ruby's Oj
 * writes `1.0e+20`, node-resque's cjson reorders keys. These helpers find the exact
 * substring of one top-level value so it can be moved verbatim (a failure record's
 * `payload` back onto its queue, a worker entry's payload into a failure record).
 */

import { parseJsonBounded } from "./bounded-json";

interface Span {
  start: number;
  end: number; // exclusive
}

function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function skipString(s: string, i: number): number {
  // s[i] === '"'
  i++;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw new SyntaxError("unterminated string");
}

/** Returns the index just past the JSON value starting at `i`. */
function skipValue(s: string, i: number): number {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    while (i < s.length) {
      const d = s[i];
      if (d === '"') {
        i = skipString(s, i);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new SyntaxError("unterminated container");
  }
  // number, true, false, null
  while (i < s.length && !",}] \n\r\t".includes(s[i]!)) i++;
  return i;
}

/** Spans of every top-level member's value in a JSON object string, or null when it is not an object. */
function topLevelSpans(s: string): Map<string, Span> | null {
  try {
    let i = skipWs(s, 0);
    if (s[i] !== "{") return null;
    i = skipWs(s, i + 1);
    const out = new Map<string, Span>();
    if (s[i] === "}") return out;
    for (;;) {
      if (s[i] !== '"') return null;
      const keyEnd = skipString(s, i);
      const key = JSON.parse(s.slice(i, keyEnd)) as string;
      i = skipWs(s, keyEnd);
      if (s[i] !== ":") return null;
      const start = skipWs(s, i + 1);
      const end = skipValue(s, start);
      if (!out.has(key)) out.set(key, { start, end });
      i = skipWs(s, end);
      if (s[i] === ",") {
        i = skipWs(s, i + 1);
        continue;
      }
      if (s[i] === "}") return out;
      return null;
    }
  } catch {
    return null;
  }
}

/** The exact stored text of top-level field `key`, or undefined when absent or not an object. */
export function rawField(json: string, key: string): string | undefined {
  const span = topLevelSpans(json)?.get(key);
  return span ? json.slice(span.start, span.end) : undefined;
}

/** Replaces the raw value of an existing top-level field, leaving every other byte untouched. */
export function replaceRawField(json: string, key: string, newRaw: string): string {
  const span = topLevelSpans(json)?.get(key);
  if (!span) return json;
  return json.slice(0, span.start) + newRaw + json.slice(span.end);
}

/** Appends a field before the closing brace of an object string (Ruby appends `retried_at` the same way). */
export function appendRawField(json: string, key: string, valueRaw: string): string {
  const close = json.lastIndexOf("}");
  if (close < 0) return json;
  const body = json.slice(0, close).trimEnd();
  const sep = body.endsWith("{") ? "" : ",";
  return body + sep + JSON.stringify(key) + ":" + valueRaw + json.slice(close);
}

/**
 * JSON.parse within JSON_LIMITS that returns undefined instead of throwing: every reader of a
 * stored record goes through here or parseJsonBounded, so a 200,000-deep value never reaches a
 * recursive walker (JSON.stringify, React) further on.
 */
export function tryParse(s: string): unknown {
  const r = parseJsonBounded(s);
  return r.ok ? r.value : undefined;
}
