import { describe, expect, it } from "vitest";
import { embedPayload, escapeBytes, sha1Hex, textOfBytes, workerEntryOfBytes } from "@/lib/resque";

/** Inverse of escapeBytes, written independently: `\\` and `\xNN` back to bytes, the rest as UTF-8. */
function unescape(text: string): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  let run = 0;
  while (i < text.length) {
    if (text[i] === "\\") {
      out.push(Buffer.from(text.slice(run, i), "utf8"));
      if (text[i + 1] === "\\") {
        out.push(Buffer.from("\\"));
        i += 2;
      } else {
        out.push(Buffer.from([parseInt(text.slice(i + 2, i + 4), 16)]));
        i += 4;
      }
      run = i;
    } else i++;
  }
  out.push(Buffer.from(text.slice(run), "utf8"));
  return Buffer.concat(out);
}

const SAMPLES: [string, Buffer, string][] = [
  ["\\xff in a class", Buffer.from('{"class":"A\xffB"}', "latin1"), '{"class":"A\\xffB"}'],
  ["overlong /", Buffer.from([0xc0, 0xaf]), "\\xc0\\xaf"],
  ["surrogate ED A0 80", Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]), "a\\xed\\xa0\\x80b"],
  ["cut sequence at the end", Buffer.from([0x7b, 0xe4, 0xb8]), "{\\xe4\\xb8"],
  ["above U+10FFFF", Buffer.from([0xf4, 0x90, 0x80, 0x80]), "\\xf4\\x90\\x80\\x80"],
  ["backslashes around a bad byte", Buffer.from("\\u00e9\\\xfe", "latin1"), "\\\\u00e9\\\\\\xfe"],
  ["valid multibyte kept", Buffer.concat([Buffer.from("中é😀"), Buffer.from([0xff])]), "中é😀\\xff"],
];

describe("stored bytes", () => {
  for (const [label, bytes, escaped] of SAMPLES) {
    it(`escapes ${label} readably and reversibly`, () => {
      const t = textOfBytes(bytes);
      expect(t.exact).toBe(false);
      expect(t.text).toBe(escaped);
      expect(escapeBytes(bytes)).toBe(escaped);
      expect(unescape(t.text).equals(bytes)).toBe(true);
      expect(t.problem).toMatch(/^not valid UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\)$/);
      // The failure record's payload: a JSON string, and still UTF-8.
      expect(JSON.parse(embedPayload(t.text))).toBe(escaped);
    });
  }

  it("leaves UTF-8 exact, NUL and U+202E included", () => {
    const b = Buffer.from('{"class":"\u202eX\u0000","a":"\\\\"}');
    expect(textOfBytes(b)).toEqual({ text: b.toString(), exact: true });
  });

  it("names the first bad byte", () => {
    expect(textOfBytes(Buffer.from("abc\xfe\xff", "latin1")).problem).toBe("not valid UTF-8 (byte 0xfe at offset 3)");
  });

  it("reads an in-flight entry's queue and exact payload bytes, UTF-8 or not", () => {
    const payload = Buffer.from('{"class":"J\xff","args":[]}', "latin1");
    const entry = Buffer.concat([Buffer.from('{"queue":"é","run_at":"x","payload":'), payload, Buffer.from("}")]);
    const e = workerEntryOfBytes(entry)!;
    expect(e.queue).toBe("é");
    expect(e.payload.equals(payload)).toBe(true);
    // A payload stored as a JSON string (it was not an object) comes back unwrapped.
    const str = Buffer.concat([
      Buffer.from('{"queue":"q","run_at":"x","payload":"a\\"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    expect(workerEntryOfBytes(str)!.payload.equals(Buffer.from([0x61, 0x22, 0xff]))).toBe(true);
    expect(workerEntryOfBytes(Buffer.from([0xff, 0xfe]))).toBeNull();
    // Digests are of bytes: the same in Node as redis.sha1hex in Lua, whatever the encoding.
    expect(sha1Hex(entry)).not.toBe(sha1Hex(entry.toString()));
  });

  it("keeps over-deep JSON objects as flat text in a failure record", () => {
    const deep = '{"class":"J","args":[' + "[".repeat(70) + "]".repeat(70) + "]}";
    expect(JSON.parse(embedPayload(deep))).toBe(deep);
    const shallow = '{"class":"J","args":[[1]]}';
    expect(embedPayload(shallow)).toBe(shallow);
  });
});
