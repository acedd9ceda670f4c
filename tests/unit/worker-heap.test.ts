import { describe, expect, it } from "vitest";
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowingPercentOf, workerNodeFlags } from "@/workers/config";
import { workerEntry } from "@/workers/supervisor";

describe("WORKER_HEAP_GROWING_PERCENT", () => {
  it("defaults to 50, takes 0 to 1000, and refuses anything else by name", () => {
    expect(DEFAULT_HEAP_GROWING_PERCENT).toBe(50);
    expect(heapGrowingPercentOf(undefined)).toBe(50);
    expect(heapGrowingPercentOf(" ")).toBe(50);
    expect(heapGrowingPercentOf("0")).toBe(0);
    expect(heapGrowingPercentOf("1000")).toBe(1000);
    for (const bad of ["-1", "1001", "12.5", "fifty", "1e9"])
      expect(() => heapGrowingPercentOf(bad)).toThrow(
        /WORKER_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000/,
      );
  });

  it("becomes V8's flag for the worker process, and 0 leaves V8's own factor", () => {
    expect(workerNodeFlags(50)).toEqual(["--heap-growing-percent=50"]);
    expect(workerNodeFlags(0)).toEqual([]);
    // What the supervisor forks its workers with (the title a worker sets hides its command line).
    expect(workerEntry({ heapGrowingPercent: 50 }).execArgv).toContain("--heap-growing-percent=50");
    expect(workerEntry({ heapGrowingPercent: 0 }).execArgv.join(" ")).not.toContain("heap-growing");
  });
});
