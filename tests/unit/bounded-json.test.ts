import { describe, expect, it } from "vitest";
import { jsonDepth, parseJsonBounded, truncate, wellFormed } from "@/lib/resque/bounded-json";

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
});
