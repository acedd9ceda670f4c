/**
 * Stored bytes that may not be text (docs/resque-protocol.md#settling-by-stored-bytes).
 *
 * Redis keeps whatever bytes a client wrote; a payload pushed with a raw `\xff` is not UTF-8,
 * and decoding it to a JS string replaces the bad bytes, so the string no longer names the
 * record. The engine therefore reads records it must settle as Buffers, settles them by the
 * SHA-1 of the bytes (hash.ts, Lua's `redis.sha1hex`), and only turns bytes into text here:
 * exactly when they are UTF-8, else as a lossless, readable escape.
 */
import { isUtf8 } from "node:buffer";
import { payloadFromWorkerEntry } from "./failure";

export interface StoredText {
  /** The bytes as text: exact when `exact`, else `escapeBytes` of them. */
  text: string;
  exact: boolean;
  /** Why the text is not exact (names the first bad byte), for logs and failure records. */
  problem?: string;
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0 (overlong, surrogate, > U+10FFFF, cut). */
function utf8SeqLen(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (j: number) => j < b.length && (b[j]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const d = b[i + 1];
    if (d === undefined || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c === 0xe0 && d < 0xa0) return 0; // overlong
    if (c === 0xed && d >= 0xa0) return 0; // UTF-16 surrogate (ED A0 80 = U+D800)
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const d = b[i + 1];
    if (d === undefined || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c === 0xf0 && d < 0x90) return 0; // overlong
    if (c === 0xf4 && d >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

/**
 * A lossless, readable escape of bytes, in the style of Ruby's `String#inspect` without the
 * quotes: well-formed UTF-8 is kept as text, `\` becomes `\\`, and every byte that is not part of
 * a well-formed sequence becomes `\xNN` (two lowercase hex digits). Reversible byte for byte.
 */
export function escapeBytes(b: Buffer): string {
  let out = "";
  let run = 0; // start of the current run of well-formed bytes
  let i = 0;
  const flush = (end: number) => {
    if (end > run) out += b.toString("utf8", run, end).replace(/\\/g, "\\\\");
  };
  while (i < b.length) {
    const n = utf8SeqLen(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    flush(i);
    out += "\\x" + b[i]!.toString(16).padStart(2, "0");
    i++;
    run = i;
  }
  flush(b.length);
  return out;
}

/** Offset of the first byte that is not part of well-formed UTF-8, or -1. */
function firstBadByte(b: Buffer): number {
  for (let i = 0; i < b.length;) {
    const n = utf8SeqLen(b, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** The text of stored bytes: exact when they are UTF-8, else their escape and the reason. */
export function textOfBytes(b: Buffer): StoredText {
  if (isUtf8(b)) return { text: b.toString("utf8"), exact: true };
  const at = firstBadByte(b);
  return {
    text: escapeBytes(b),
    exact: false,
    problem: `not valid UTF-8 (byte 0x${(b[at] ?? 0).toString(16).padStart(2, "0")} at offset ${at})`,
  };
}

/**
 * The queue and the payload bytes of a `worker:<id>` entry read as bytes. A UTF-8 entry goes
 * through the usual text path; any other is read as latin1 (one character per byte, so the
 * JSON structure is found and the payload's bytes come back unchanged).
 */
export function workerEntryOfBytes(b: Buffer): { queue?: string; payload: Buffer } | null {
  if (isUtf8(b)) {
    const e = payloadFromWorkerEntry(b.toString("utf8"));
    return e ? { queue: e.queue, payload: Buffer.from(e.payloadRaw, "utf8") } : null;
  }
  const e = payloadFromWorkerEntry(b.toString("latin1"));
  if (!e || typeof e.payloadRaw !== "string") return null;
  return {
    queue: e.queue === undefined ? undefined : Buffer.from(e.queue, "latin1").toString("utf8"),
    payload: Buffer.from(e.payloadRaw, "latin1"),
  };
}
