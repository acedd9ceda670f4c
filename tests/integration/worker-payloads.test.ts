import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BaseJob, Client, DontPerform, JobRegistry, Worker, type WorkerOptions } from "@/lib/resque";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";

class StrictJob extends BaseJob<{ to: string; count: number }> {
  static names = ["Common\\Job\\StrictJob", "StrictJob"];
  static schema = z.object({ to: z.email(), count: z.number().int().min(1) });
  static ran: unknown[] = [];
  perform() {
    StrictJob.ran.push(this.args);
  }
}

class PingJob extends BaseJob<{ id: string }> {
  static names = ["PingJob"];
  static seen = new Set<string>();
  perform() {
    PingJob.seen.add(this.args.id);
  }
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function setup(extra: Partial<WorkerOptions> = {}) {
  const redis = testRedis();
  const namespace = testNamespace("payloads");
  const registry = new JobRegistry([StrictJob, PingJob]);
  const worker = new Worker({ redis, namespace, registry, queues: ["q"], intervalSec: 0.2, ...extra });
  const client = new Client({ redis, namespace, registry });
  stops.push(async () => {
    await worker.stop();
    redis.disconnect();
  });
  return { redis, namespace, registry, worker, client, key: (k: string) => `${namespace}:${k}` };
}

const MALFORMED: string[] = [
  "",
  " ",
  "not json",
  "{",
  "}",
  "[]",
  "[1,2,3]",
  "null",
  "true",
  "42",
  '"just a string"',
  "{}",
  '{"args":[{"to":"a@b.c"}]}',
  '{"class":null,"args":[]}',
  '{"class":42,"args":[]}',
  '{"class":["StrictJob"],"args":[]}',
  '{"class":{"name":"StrictJob"}}',
  '{"class":"NoSuchJob","args":[{}]}',
  '{"class":"Common\\\\Job\\\\Missing","args":[{}]}',
  '{"class":"StrictJob","args":[]}',
  '{"class":"StrictJob","args":[null]}',
  '{"class":"StrictJob","args":[{"to":"not-an-email","count":1}]}',
  '{"class":"StrictJob","args":[{"to":"a@b.co","count":0}]}',
  '{"class":"StrictJob","args":[{"to":"a@b.co","count":"1"}]}',
  '{"class":"StrictJob","args":"oops"}',
  '{"class":"StrictJob","args":{"to":"a@b.co"}}',
  '{"class":"StrictJob","args":[[]]}',
  '{"class":"StrictJob","args":[{"to":"a@b.co","count":1}]',
  '{"class":"StrictJob" "args":[]}',
  "\u0000\u0001binary\u00ff",
  '{"class":"<script>alert(1)</script>","args":[]}',
  "x".repeat(100_000),
  '{"class":"StrictJob","args":[{"to":"a@b.co","count":1e400}]}',
  '  {"class":"NoSuchJob"}',
  // Issue 16: each of these must fail with the reason named in MALFORMED_REASONS, never run.
  '{"class":"PingJob","args":[' + "[".repeat(65) + "]".repeat(65) + "]}",
  '{"class":"PingJob","args":[' + "[".repeat(100_000) + "]".repeat(100_000) + "]}",
  '{"class":"PingJob","args":17}',
  '{"class":"PingJob","args":true}',
  '{"class":"","args":[{"id":"empty-class"}]}',
  '{"class":"PingJob\\u0000","args":[{"id":"nul-class"}]}',
  '{"class":"PingJob","args":[{"id":"nul-id"}],"id":"a\\u0000b"}',
  '{"class":"PingJob","args":[{"id":"lone-\\ud800"}]}',
  '{"class":"PingJob","args":[{"id":"lone-low","\\udfff":1}]}',
];

/** The error each issue-16 shape at the end of MALFORMED must give, in order. */
const MALFORMED_REASONS = [
  /^InvalidPayload: args too deeply nested: more than 64 levels/,
  /^InvalidPayload: args too deeply nested/,
  /^InvalidPayload: payload args is not an array \(number\)/,
  /^InvalidPayload: payload args is not an array \(boolean\)/,
  /^InvalidPayload: payload class is empty/,
  /^InvalidPayload: payload class contains a NUL character/,
  /^InvalidPayload: payload id contains a NUL character/,
  /^InvalidPayload: payload holds a lone UTF-16 surrogate/,
  /^InvalidPayload: payload holds a lone UTF-16 surrogate/,
];

describe("malformed payloads", () => {
  it(`turns each of ${MALFORMED.length} malformed payloads into a readable failure record that keeps the raw string, and keeps running`, async () => {
    const { redis, worker, client, key } = await setup();
    await worker.start();
    const pipe = redis.pipeline();
    for (const raw of MALFORMED) pipe.rpush(key("queue:q"), raw);
    pipe.sadd(key("queues"), "q");
    await pipe.exec();
    await waitFor("all failed", async () => (await redis.llen(key("failed"))) === MALFORMED.length, 60_000);
    const records = (await redis.lrange(key("failed"), 0, -1)).map((r) => JSON.parse(r));
    records.forEach((rec, i) => {
      const raw = MALFORMED[i]!;
      // The payload is kept: as the object itself when it was one, else as the exact raw string.
      const kept = typeof rec.payload === "string" ? rec.payload : JSON.stringify(rec.payload);
      if (typeof rec.payload === "string") expect(rec.payload).toBe(raw);
      else expect(JSON.parse(raw)).toEqual(rec.payload);
      expect(kept.length).toBeGreaterThanOrEqual(0);
      expect(rec.error, `record for ${JSON.stringify(raw).slice(0, 60)}`).toMatch(/\S/);
      expect(rec.queue).toBe("q");
      expect(rec.worker).toBe(worker.id);
      expect(typeof rec.failed_at).toBe("string");
    });
    const errors = records.map((r) => `${r.exception}: ${r.error}`);
    expect(errors[2]).toMatch(/^InvalidPayload: payload is not valid JSON/);
    expect(errors[17]).toBe('UnknownJobClass: No job class is registered under the name "NoSuchJob"');
    expect(errors[21]).toMatch(/^InvalidArgs: Invalid args for StrictJob: to: Invalid email address/);
    const tail = errors.slice(MALFORMED.length - MALFORMED_REASONS.length);
    tail.forEach((e, i) => expect(e).toMatch(MALFORMED_REASONS[i]!));
    expect(PingJob.seen.size).toBe(0); // none of the PingJob shapes above ran
    expect(StrictJob.ran).toEqual([]);
    // Still running: a good job goes through.
    await client.enqueue("q", PingJob, { id: "after-malformed" });
    await waitFor("good job ran", () => PingJob.seen.has("after-malformed"));
    expect(await redis.get(key("stat:failed"))).toBe(String(MALFORMED.length));
  });

  it("refuses bad args at enqueue with a readable message and stores nothing", async () => {
    const { redis, client, key } = await setup();
    await expect(client.enqueue("q", "StrictJob", { to: "nope", count: 1 })).rejects.toThrow(
      "Invalid args for StrictJob: to: Invalid email address",
    );
    await expect(client.enqueue("bad queue", PingJob, { id: "x" })).rejects.toThrow(/Invalid queue name/);
    await expect(
      client.enqueueMany([
        { queue: "q", class: PingJob, args: { id: "ok" } },
        { queue: "q", class: StrictJob, args: { to: "x@y.zz", count: -1 } },
      ]),
    ).rejects.toThrow(/count/);
    expect(await redis.exists(key("queue:q"), key("queues"))).toBe(0);
  });
});

describe("hooks", () => {
  it("runs before/after/failure hooks and lets a before-enqueue hook veto", async () => {
    const calls: string[] = [];
    class HookJob extends BaseJob<{ mode: string }> {
      static names = ["HookJob"];
      static beforeEnqueue(args: unknown) {
        return (args as { mode: string }).mode !== "veto";
      }
      beforePerform() {
        calls.push(`before:${this.args.mode}`);
        if (this.args.mode === "skip") throw new DontPerform();
      }
      perform() {
        calls.push(`perform:${this.args.mode}`);
        if (this.args.mode === "fail") throw new Error("nope");
        return this.args.mode;
      }
      afterPerform(result: unknown) {
        calls.push(`after:${String(result)}`);
      }
      onFailure(err: Error) {
        calls.push(`failure:${err.message}`);
      }
    }
    const redis = testRedis();
    const namespace = testNamespace("hooks");
    const registry = new JobRegistry([HookJob]);
    const globalCalls: string[] = [];
    const client = new Client({
      redis,
      namespace,
      registry,
      beforeEnqueue: [({ className }) => (globalCalls.push(`enqueue:${className}`), undefined)],
    });
    const worker = new Worker({
      redis,
      namespace,
      registry,
      queues: ["h"],
      intervalSec: 0.2,
      hooks: {
        afterPerform: (job) => void globalCalls.push(`after:${job.job.className}`),
        onFailure: (e) => void globalCalls.push(`failed:${e.message}`),
      },
    });
    stops.push(async () => {
      await worker.stop();
      redis.disconnect();
    });
    await expect(client.enqueue("h", HookJob, { mode: "veto" })).rejects.toThrow(/vetoed/);
    await client.enqueue("h", HookJob, { mode: "ok" });
    await client.enqueue("h", HookJob, { mode: "skip" });
    await client.enqueue("h", HookJob, { mode: "fail" });
    await worker.start();
    await waitFor("three handled", () => calls.includes("failure:nope"));
    expect(calls).toEqual([
      "before:ok",
      "perform:ok",
      "after:ok",
      "before:skip",
      "before:fail",
      "perform:fail",
      "failure:nope",
    ]);
    expect(globalCalls).toEqual([
      "enqueue:HookJob",
      "enqueue:HookJob",
      "enqueue:HookJob",
      "enqueue:HookJob",
      "after:HookJob",
      "failed:nope",
    ]);
    expect(await redis.llen(`${namespace}:queue:h`)).toBe(0);
    expect(await redis.llen(`${namespace}:failed`)).toBe(1);
  });
});

describe("pause keys", () => {
  for (const [label, keyName, value] of [
    ["Ruby's pause-all-workers", "pause-all-workers", " TRUE "],
    ["resque-pause's pause:all", "pause:all", "1"],
    ["resque-pause's pause:queue:<q>", "pause:queue:q", "1"],
  ] as const) {
    it(`reserves nothing while ${label} is set, and resumes when it is removed`, async () => {
      const { redis, worker, client, key } = await setup();
      await redis.set(key(keyName), value);
      await worker.start();
      await client.enqueue("q", PingJob, { id: `paused-${keyName}` });
      // Several poll intervals pass (0.2 s each) with the job still queued.
      const t0 = Date.now();
      await waitFor("a few polls", () => Date.now() - t0 > 1000);
      expect(await redis.llen(key("queue:q"))).toBe(1);
      expect(PingJob.seen.has(`paused-${keyName}`)).toBe(false);
      await redis.del(key(keyName));
      await waitFor("runs after resume", () => PingJob.seen.has(`paused-${keyName}`));
    });
  }

  it("a paused queue is skipped while the worker's other queues are worked", async () => {
    const { redis, client, key, registry, namespace } = await setup();
    const worker = new Worker({ redis, namespace, registry, queues: ["a", "b"], intervalSec: 0.2 });
    stops.push(() => worker.stop());
    await redis.set(key("pause:queue:a"), "1");
    await client.enqueue("a", PingJob, { id: "in-a" });
    await client.enqueue("b", PingJob, { id: "in-b" });
    await worker.start();
    await waitFor("b ran", () => PingJob.seen.has("in-b"));
    expect(PingJob.seen.has("in-a")).toBe(false);
    expect(await redis.llen(key("queue:a"))).toBe(1);
  });
});
