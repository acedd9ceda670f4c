/**
 * JSON from other clients, read within limits.
 *
 * Every record in a shared Redis may come from php-resque, Ruby resque, node-resque or a person
 * with redis-cli. `JSON.parse` copes with any size it is given and `JSON.stringify`, React and
 * our own walkers recurse once per level: a 10 KB string of `[[[[…` throws "Maximum call stack
 * size exceeded" far from where it was read, and a 2 MB argument is copied into every list and
 * poll. So every decoder of a stored record measures the text first, with one loop and no
 * recursion, and refuses what is too deep or too large with a reason a person can act on.
 */

/** The worker's and the dashboard's limits. Real payloads nest a handful of levels. */
export const JSON_LIMITS = {
  /** Deepest nesting of arrays and objects accepted (a payload's `args` sit at depth 2). */
  maxDepth: 64,
  /** Longest text, in UTF-16 code units, parsed at all. */
  maxChars: 16 * 1024 * 1024,
} as const;

export type JsonProblem = "too-deep" | "too-large" | "invalid";

export interface JsonShape {
  /** Deepest nesting of `[` and `{` (0 for a scalar). */
  depth: number;
  /** Length in UTF-16 code units. */
  chars: number;
}

/**
 * The nesting depth of a JSON text, counted without parsing or recursion; stops counting as
 * soon as `stopAbove` is passed (the answer is then `stopAbove + 1`). Brackets inside strings
 * do not count. Malformed text is measured as far as it goes: JSON.parse judges it afterwards.
 */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // To the closing quote: the next `"` after an even run of backslashes. indexOf skips a
      // string's text at native speed (a worker measures every payload it runs).
      for (;;) {
        const j = text.indexOf('"', i + 1);
        if (j < 0) return max;
        let b = j - 1;
        while (b > i && text.charCodeAt(b) === 0x5c /* \ */) b--;
        i = j;
        if ((j - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return max;
}

export type BoundedParse<T = unknown> =
  { ok: true; value: T; shape: JsonShape } | { ok: false; problem: JsonProblem; message: string; shape: JsonShape };

/**
 * `JSON.parse` behind the limits. The message names the limit and the measured figure, in
 * English, for logs and failure records; code branches on `problem`.
 */
export function parseJsonBounded<T = unknown>(
  text: string,
  limits: { maxDepth?: number; maxChars?: number } = {},
): BoundedParse<T> {
  const maxDepth = limits.maxDepth ?? JSON_LIMITS.maxDepth;
  const maxChars = limits.maxChars ?? JSON_LIMITS.maxChars;
  if (text.length > maxChars) {
    return {
      ok: false,
      problem: "too-large",
      message: `JSON text too large: ${text.length} characters (limit ${maxChars})`,
      shape: { depth: -1, chars: text.length },
    };
  }
  const depth = jsonDepth(text, maxDepth);
  const shape = { depth, chars: text.length };
  if (depth > maxDepth) {
    return {
      ok: false,
      problem: "too-deep",
      message: `JSON nested too deeply: more than ${maxDepth} levels`,
      shape,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as T, shape };
  } catch (e) {
    return { ok: false, problem: "invalid", message: `invalid JSON: ${(e as Error).message}`, shape };
  }
}

/**
 * A string safe to hand to React and to HTML: lone UTF-16 surrogates (from a `\ud800` escape in
 * a record) become U+FFFD, as the server's and the browser's encoders would each do differently
 * otherwise (a hydration mismatch).
 */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

/** The first `maxChars` code units of `s` (never splitting a surrogate pair), and whether it was cut. */
export function truncate(s: string, maxChars: number): { text: string; truncated: boolean } {
  if (s.length <= maxChars) return { text: s, truncated: false };
  let end = maxChars;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: s.slice(0, end), truncated: true };
}
