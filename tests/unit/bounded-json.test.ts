import { describe, expect, it } from "vitest";
import { jsonDepth, parseJsonBounded, truncate, wellFormed } from "@/lib/resque/bounded-json";
import { decodePayload } from "@/lib/resque/payload";

/** The plain character loop jsonDepth's string skipping must agree with. */
function depthByChars(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}

describe("bounded JSON", () => {
  it("measures depth without recursion, ignoring brackets in strings", () => {
    expect(jsonDepth("1")).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
    expect(jsonDepth('["\\"[[["]')).toBe(1);
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(jsonDepth(deep)).toBe(200_000);
    expect(jsonDepth(deep, 64)).toBe(65);
  });

  it("refuses what is too deep or too large, with the figure in the message", () => {
    const deep = "[".repeat(5_000) + "]".repeat(5_000);
    const r = parseJsonBounded(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toBe("too-deep");
      expect(r.message).toContain("64");
    }
    const big = parseJsonBounded(JSON.stringify("x".repeat(100)), { maxChars: 50 });
    expect(big.ok === false && big.problem).toBe("too-large");
    const bad = parseJsonBounded("{nope");
    expect(bad.ok === false && bad.problem).toBe("invalid");
    const fine = parseJsonBounded<{ a: number[] }>('{"a":[1,2]}');
    expect(fine.ok && fine.value.a).toEqual([1, 2]);
  });

  it("replaces lone surrogates and truncates without splitting a pair", () => {
    expect(wellFormed("a\ud800b")).toBe("a\ufffdb");
    expect(wellFormed("ok 😀")).toBe("ok 😀");
    expect(truncate("ab😀", 3)).toEqual({ text: "ab", truncated: true });
    expect(truncate("abc", 3)).toEqual({ text: "abc", truncated: false });
  });

  it("skips strings with any run of backslashes before a quote, as a character loop does", () => {
    // Texts made of the characters that matter (quotes, backslashes, brackets), malformed ones too.
    const alphabet = ['"', "\\", "[", "]", "{", "}", "a"];
    let seed = 12;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 5000; n++) {
      let t = "";
      for (let len = next() % 24; len > 0; len--) t += alphabet[next() % alphabet.length];
      expect(jsonDepth(t), t).toBe(depthByChars(t));
    }
    expect(jsonDepth('["a\\\\",["\\"]"]]')).toBe(depthByChars('["a\\\\",["\\"]"]]'));
  });

  it("refuses a payload with a lone surrogate escape in a value or a key, and takes a paired one", () => {
    expect(decodePayload('{"class":"A","args":["\\ud800"]}').ok).toBe(false);
    expect(decodePayload('{"class":"A","args":[{"\\udc00":1}]}').error).toMatch(/lone UTF-16 surrogate/);
    expect(decodePayload('{"class":"A","args":["\\ud83d\\ude00"]}').ok).toBe(true);
    expect(decodePayload({ class: "A", args: ["\ud800"] }).ok).toBe(false);
    expect(decodePayload('{"class":"A","args":["plain"]}').ok).toBe(true);
  });
});
