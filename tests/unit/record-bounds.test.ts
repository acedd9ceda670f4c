import { describe, expect, it } from "vitest";
import {
  clipFailedJob,
  clipPayload,
  decodeFailedRecord,
  decodePayload,
  LIST_CLIP,
  tryParse,
  wireSafe,
} from "@/lib/resque";
import { recordText } from "@/lib/format";
import { isRedisUnreachable } from "@/lib/redis";

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("records read within limits", () => {
  it("a 200,000-deep payload or record is refused with the limit, never parsed", () => {
    const payload = `{"class":"Deep","args":${deep(200_000)}}`;
    const p = decodePayload(payload);
    expect(p.ok).toBe(false);
    expect(p.error).toMatch(/too deeply nested: more than 64 levels/);
    expect(p.argsArray).toEqual([]);
    expect(tryParse(payload)).toBeUndefined();
    const job = decodeFailedRecord(`{"payload":${payload},"exception":"E"}`, 3, "a".repeat(40));
    expect(job.parseError).toMatch(/^record JSON nested too deeply/);
    expect(job.id).toBe(`3-${"a".repeat(16)}`);
    // What the list ships can be serialised: the bug was a stack overflow here.
    expect(JSON.stringify(clipFailedJob(job, LIST_CLIP)).length).toBeLessThan(3 * LIST_CLIP + 2000);
  });

  it("a 2 MB argument ships as its first LIST_CLIP characters with its length, once", () => {
    const big = "x".repeat(2 * 1024 * 1024);
    const p = clipPayload(decodePayload(JSON.stringify({ class: "Big", args: [big], id: "j1" })), LIST_CLIP);
    expect(p.argsClip?.chars).toBe(big.length + 4);
    expect(p.argsClip?.text).toHaveLength(LIST_CLIP);
    expect(p.argsArray).toEqual([]);
    expect(p.object).toBeUndefined();
    expect(p.raw).toHaveLength(LIST_CLIP);
    expect(p.className).toBe("Big");
    expect(JSON.stringify(p).length).toBeLessThan(2 * LIST_CLIP + 500);
    // A small one keeps its decoded args.
    const small = clipPayload(decodePayload('{"class":"S","args":[1,{"a":"b"}]}'), LIST_CLIP);
    expect(small.argsArray).toEqual([1, { a: "b" }]);
    expect(small.argsClip).toBeUndefined();
  });

  it("every string shipped is well-formed: a lone surrogate becomes U+FFFD", () => {
    const job = decodeFailedRecord(
      '{"payload":{"class":"A\\ud800B","args":["\\udc00"]},"exception":"E\\ud800"}',
      0,
      "0".repeat(40),
    );
    expect(job.payload.className).toBe("A\ud800B");
    const shipped = clipFailedJob(job, LIST_CLIP);
    expect(shipped.payload.className).toBe("A\ufffdB");
    expect(shipped.exception).toBe("E\ufffd");
    expect(shipped.payload.argsArray).toEqual(["\ufffd"]);
    expect(wireSafe({ "k\ud800": ["\udfff", 1, null] }, 10)).toEqual({ "k\ufffd": ["\ufffd", 1, null] });
  });
});

describe("clipFailedJob", () => {
  it("cuts every text of a record, its dates' raw text and its backtrace included", () => {
    const long = "z".repeat(5000);
    const raw = JSON.stringify({
      failed_at: long,
      retried_at: long,
      payload: { class: "C", args: [] },
      backtrace: [long],
      worker: long,
    });
    const job = clipFailedJob(decodeFailedRecord(raw, 0, "0".repeat(40)), 100);
    expect(job.failedAt.raw).toHaveLength(100);
    expect(job.retriedAt?.raw).toHaveLength(100);
    expect(job.backtrace[0]).toHaveLength(100);
    expect(job.worker).toHaveLength(100);
    expect(job.raw).toHaveLength(100);
    expect(job.rawChars).toBe(raw.length);
  });
});

describe("recordText", () => {
  it("shows bidi controls, separators and NUL as visible markers", () => {
    expect(recordText("Invoice\u202egpj.exe")).toBe("Invoice⟨U+202E⟩gpj.exe");
    expect(recordText("a\u2066b\u2069c\u200e\u200f\u2028\u2029\u0000")).toBe(
      "a⟨U+2066⟩b⟨U+2069⟩c⟨U+200E⟩⟨U+200F⟩⟨U+2028⟩⟨U+2029⟩⟨U+0000⟩",
    );
    expect(recordText("x\ud800")).toBe("x\ufffd");
    expect(recordText("plain <b>text</b> 中文")).toBe("plain <b>text</b> 中文");
  });
});

describe("isRedisUnreachable", () => {
  it("only errors that mean Redis cannot answer are reported as Redis being away", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(isRedisUnreachable(refused)).toBe(true);
    expect(isRedisUnreachable(Object.assign(new Error("x"), { name: "MaxRetriesPerRequestError" }))).toBe(true);
    expect(isRedisUnreachable(new Error("Connection is closed."))).toBe(true);
    expect(isRedisUnreachable(new Error("LOADING Redis is loading the dataset in memory"))).toBe(true);
    expect(isRedisUnreachable(new RangeError("Maximum call stack size exceeded"))).toBe(false);
    expect(isRedisUnreachable(new Error("WRONGTYPE Operation against a key holding the wrong kind of value"))).toBe(
      false,
    );
    expect(isRedisUnreachable("a string")).toBe(false);
  });
});
