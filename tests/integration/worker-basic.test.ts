import { afterEach, describe, expect, it } from "vitest";
import { BaseJob, Client, JobRegistry, Worker } from "@/lib/resque";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";

class OkJob extends BaseJob<{ n: number }> {
  static names = ["OkJob"];
  static seen: number[] = [];
  perform() {
    OkJob.seen.push(this.args.n);
  }
}
class BoomJob extends BaseJob {
  static names = ["BoomJob"];
  perform() {
    throw new TypeError("boom");
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("worker basics", () => {
  it("runs an enqueued job and counts it", async () => {
    const redis = testRedis();
    const namespace = testNamespace("basic");
    const registry = new JobRegistry([OkJob, BoomJob]);
    const client = new Client({ redis, namespace, registry });
    const worker = new Worker({ redis, namespace, registry, queues: ["default"], intervalSec: 1 });
    cleanups.push(async () => {
      await worker.stop();
      redis.disconnect();
    });
    await worker.start();
    await client.enqueue("default", OkJob, { n: 7 });
    await waitFor("job ran", () => OkJob.seen.includes(7));
    await client.enqueue("default", "BoomJob", {});
    await waitFor("failure recorded", async () => (await redis.llen(`${namespace}:failed`)) === 1);
    const rec = JSON.parse((await redis.lindex(`${namespace}:failed`, 0))!);
    expect(rec.exception).toBe("TypeError");
    expect(rec.payload.class).toBe("BoomJob");
    await waitFor("processed", async () => (await redis.get(`${namespace}:stat:processed`)) === "2");
  });
});
