/**
 * Pieces of /metrics that need no Redis: the duration buckets our workers write, the reader that
 * makes them cumulative, and the route's token rule (which refuses before any read).
 */
import { afterEach, describe, expect, it } from "vitest";
import { histogramsOf } from "@/lib/resque/admin/metrics";
import { bucketOf, DURATION_BUCKETS, jobMetricArgs, UNKNOWN_CLASS } from "@/lib/resque/job-metrics";
import { BaseJob, JobRegistry } from "@/lib/resque";
import { GET } from "@/app/metrics/route";

class KnownJob extends BaseJob {
  static names = ["KnownJob"];
  perform() {}
}

describe("duration buckets", () => {
  it("puts a duration in the smallest bucket that holds it, past the last bound in +Inf", () => {
    expect(bucketOf(0)).toBe("0.005");
    expect(bucketOf(0.005)).toBe("0.005");
    expect(bucketOf(0.0051)).toBe("0.01");
    expect(bucketOf(DURATION_BUCKETS.at(-1)!)).toBe(String(DURATION_BUCKETS.at(-1)));
    expect(bucketOf(DURATION_BUCKETS.at(-1)! + 1)).toBe("+Inf");
  });

  it("labels only classes the registry knows", () => {
    const reg = new JobRegistry([KnownJob]);
    expect(jobMetricArgs(reg, "q", "KnownJob", 1000, 1250)).toEqual(["q", "KnownJob", "250000", "0.25"]);
    expect(jobMetricArgs(reg, "q", "Evil" + "x".repeat(50), 1000, 1000)[1]).toBe(UNKNOWN_CLASS);
    expect(jobMetricArgs(reg, "q", undefined, 1000, 1000)[1]).toBe(UNKNOWN_CLASS);
  });

  it("reads per-bucket fields back as a cumulative histogram per class", () => {
    const [h, ...rest] = histogramsOf({
      "0.005|A": "2",
      "1|A": "1",
      "+Inf|A": "1",
      "sum_us|A": "40500000",
      "stray-field": "9",
    });
    expect(rest).toEqual([]);
    expect(h!.className).toBe("A");
    expect(h!.sum).toBe(40.5);
    expect(h!.count).toBe(4);
    const at = (le: string) => h!.buckets.find((b) => b.le === le)!.count;
    expect([at("0.005"), at("0.5"), at("1"), at("1800"), at("+Inf")]).toEqual([2, 2, 3, 3, 4]);
    expect(h!.buckets).toHaveLength(DURATION_BUCKETS.length + 1);
  });
});

describe("/metrics access", () => {
  const saved = { m: process.env.METRICS_TOKEN, a: process.env.API_TOKEN };
  afterEach(() => {
    for (const [k, v] of [
      ["METRICS_TOKEN", saved.m],
      ["API_TOKEN", saved.a],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });
  const req = (auth?: string) =>
    new Request("http://x/metrics", auth ? { headers: { authorization: auth } } : undefined);

  it("refuses everyone when neither METRICS_TOKEN nor API_TOKEN is set", async () => {
    delete process.env.METRICS_TOKEN;
    delete process.env.API_TOKEN;
    for (const auth of [undefined, "Bearer ", "Bearer undefined"]) expect((await GET(req(auth))).status).toBe(401);
  });

  it("refuses a token shorter than 16 characters, even when it matches", async () => {
    delete process.env.API_TOKEN;
    process.env.METRICS_TOKEN = "short";
    expect((await GET(req("Bearer short"))).status).toBe(401);
  });
});
