import { describe, expect, it } from "vitest";
import {
  backoffDelaySec,
  BaseJob,
  decodePayload,
  DoNotRetryError,
  InvalidArgsError,
  isRetryable,
  retryPlan,
} from "@/lib/resque";

class Job extends BaseJob {
  static names = ["Job"];
  static retry = { attempts: 3, backoff: [10, 60] };
  perform() {}
}

describe("backoff", () => {
  it("fixed, list (last repeats) and exponential with cap and jitter", () => {
    expect(backoffDelaySec(30, 0)).toBe(30);
    expect([0, 1, 2, 5].map((a) => backoffDelaySec([10, 60, 300], a))).toEqual([10, 60, 300, 300]);
    const exp = { exponential: 2, baseSec: 5, maxSec: 100 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelaySec(exp, a))).toEqual([5, 10, 20, 40, 80, 100]);
    expect(backoffDelaySec({ ...exp, jitter: 0.2 }, 1, () => 0)).toBeCloseTo(8);
    expect(backoffDelaySec({ ...exp, jitter: 0.2 }, 1, () => 1)).toBeCloseTo(12);
    expect(backoffDelaySec(undefined, 3)).toBe(0);
  });
});

describe("retryPlan", () => {
  const now = 1_800_000_000_000;
  it("counts attempts in args[0]._attempt and stops when they run out", () => {
    const first = retryPlan(Job, decodePayload('{"class":"Job","args":[{"a":1}]}'), new Error("x"), now)!;
    expect(first).toEqual({ attempt: 1, attempts: 3, ts: 1_800_000_010, argsArray: [{ a: 1, _attempt: 1 }] });
    const second = retryPlan(Job, decodePayload('{"class":"Job","args":[{"a":1,"_attempt":1}]}'), new Error("x"), now)!;
    expect(second.ts).toBe(1_800_000_060);
    expect(
      retryPlan(Job, decodePayload('{"class":"Job","args":[{"a":1,"_attempt":2}]}'), new Error("x"), now),
    ).toBeUndefined();
  });
  it("does not retry what a retry cannot fix, nor positional args that have nowhere to count", () => {
    const p = decodePayload('{"class":"Job","args":[{}]}');
    expect(retryPlan(Job, p, new DoNotRetryError("gone"), now)).toBeUndefined();
    expect(retryPlan(Job, p, new InvalidArgsError("Job", "x: Required"), now)).toBeUndefined();
    expect(retryPlan(Job, decodePayload('{"class":"Job","args":[1,2]}'), new Error("x"), now)).toBeUndefined();
    expect(isRetryable(new TypeError("x"))).toBe(true);
  });
});
