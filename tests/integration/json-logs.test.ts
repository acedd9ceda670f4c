/**
 * LOG_FORMAT=json with real processes (the bundled `work` supervisor, its worker processes and
 * scheduler, and a standalone `scheduler`): every line parses, a job's lines carry its id, class,
 * queue, attempt and duration, and args appear only with LOG_JOB_ARGS=1.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { Client } from "@/lib/resque";
import { cliEnv, runCli, startCli, type Running } from "../helpers/processes";
import { dropNamespace, testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of started) s.kill("SIGKILL");
  for (const c of cleanups) await c();
});

/** A marker in every job's args: it must never reach a line unless LOG_JOB_ARGS=1. */
const SECRET = "s3cret-arg-9f2c";

type Line = Record<string, unknown> & { err?: { type?: string; message?: string; stack?: string } };

function setup(label: string) {
  const url = inject("redisUrl");
  const ns = testNamespace(label);
  const redis = new Redis(url);
  cleanups.push(() => dropNamespace(redis, ns));
  return { url, ns, redis, client: new Client({ redis, namespace: ns }), key: (k: string) => `${ns}:${k}` };
}

function start(args: string[], url: string, ns: string, env: Record<string, string>): Running {
  const p = startCli(args, cliEnv(url, ns, { QUEUE: "q", QUEUE_COUNT: "1", ...env }));
  started.push(p);
  return p;
}

/** Every line of the output as JSON; a line that does not parse fails the test with its text. */
function parseAll(output: string): Line[] {
  const lines = output.split("\n").filter((l) => l !== "");
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((l) => {
    try {
      return JSON.parse(l) as Line;
    } catch {
      throw new Error(`not a JSON line: ${l}`);
    }
  });
}

const jobLines = (lines: Line[], cls: string) =>
  lines.filter((l) => l.jobClass === cls && String(l.event).startsWith("job."));

describe("LOG_FORMAT=json", () => {
  it("supervisor, workers and scheduler write one JSON object per line; job lines carry id, class, queue, attempt, duration, no args", async () => {
    const { url, ns, redis, client, key } = setup("jsonlog");
    const sup = start(["work"], url, ns, { LOG_FORMAT: "json" });
    await waitFor("worker registered", async () => (await redis.scard(key("workers"))) === 1, 60_000);
    const ok = await client.enqueue("q", "RecordJob", { n: "ok", secret: SECRET });
    const fail = await client.enqueue("q", "FailJob", { why: "json", secret: SECRET });
    const retried = await client.enqueue("q", "RetryOnceJob", { secret: SECRET });
    // FailJob fails once; RetryOnceJob fails, is retried through the scheduler, and fails for good.
    await waitFor("two failure records", async () => (await redis.llen(key("failed"))) === 2);
    await waitFor("job done", async () => (await redis.sismember(key("test:done"), "ok")) === 1);
    sup.kill("SIGQUIT");
    expect((await sup.exited).code).toBe(0);

    const out = sup.output();
    const lines = parseAll(out);
    expect(out).not.toContain(SECRET);
    for (const l of lines) {
      expect(["info", "warn", "error"]).toContain(l.level);
      expect(l.time).toEqual(expect.any(Number)); // epoch ms, pino's default
      expect(Number.isNaN(new Date(l.time as number).getTime())).toBe(false);
      expect(typeof l.msg).toBe("string");
      expect(l.args).toBeUndefined();
    }
    const roles = new Set(lines.map((l) => l.role));
    expect([...roles].sort()).toEqual(["scheduler", "supervisor", "worker"]);
    const workerId = JSON.parse((await redis.lindex(key("failed"), 0))!).worker as string;
    for (const l of lines.filter((x) => x.role === "worker")) expect(l.worker).toBe(workerId);
    expect(lines.some((l) => l.role === "scheduler" && l.event === "scheduler.leader" && l.scheduler)).toBe(true);
    expect(lines.some((l) => l.role === "supervisor" && typeof l.supervisor === "string")).toBe(true);

    const common = (id: string | undefined, cls: string) => ({ jobId: id, jobClass: cls, queue: "q", attempt: 1 });
    const okLines = jobLines(lines, "RecordJob");
    expect(okLines.map((l) => l.event)).toEqual(["job.start", "job.success"]);
    for (const l of okLines) expect(l).toMatchObject(common(ok.id, "RecordJob"));
    expect(okLines[1]!.durationMs).toEqual(expect.any(Number));

    const failLines = jobLines(lines, "FailJob");
    expect(failLines.map((l) => l.event)).toEqual(["job.start", "job.failure"]);
    for (const l of failLines) expect(l).toMatchObject(common(fail.id, "FailJob"));
    expect(failLines[1]).toMatchObject({ level: "error", durationMs: expect.any(Number) });
    expect(failLines[1]!.err).toMatchObject({ type: "Error", message: "failing on purpose: json" });

    const retryLines = jobLines(lines, "RetryOnceJob");
    expect(retryLines.map((l) => [l.event, l.attempt])).toEqual([
      ["job.start", 1],
      ["job.retry", 1],
      ["job.start", 2],
      ["job.failure", 2],
    ]);
    expect(retryLines[0]).toMatchObject(common(retried.id, "RetryOnceJob"));
    expect(retryLines[1]).toMatchObject({
      level: "warn",
      jobId: retried.id,
      nextAttempt: 2,
      durationMs: expect.any(Number),
      retryAt: expect.stringMatching(/Z$/),
    });
    // The retry is a new enqueue by the scheduler: a job id of its own, logged on both its lines.
    expect(retryLines[2]!.jobId).toEqual(expect.any(String));
    expect(retryLines[3]!.jobId).toBe(retryLines[2]!.jobId);
  });

  it("LOG_JOB_ARGS=1 adds the args; a standalone scheduler process logs JSON lines too", async () => {
    const { url, ns, redis, client, key } = setup("jsonargs");
    const env = { LOG_FORMAT: "json", LOG_JOB_ARGS: "1", SCHEDULER: "0" };
    const sup = start(["work"], url, ns, env);
    const sched = start(["scheduler"], url, ns, env);
    await waitFor("worker registered", async () => (await redis.scard(key("workers"))) === 1, 60_000);
    const job = await client.enqueue("q", "RecordJob", { n: "args", secret: SECRET });
    await waitFor("job done", async () => (await redis.sismember(key("test:done"), "args")) === 1);
    await waitFor("scheduler leader line", () => sched.output().includes('"scheduler.leader"'));
    sup.kill("SIGQUIT");
    sched.kill("SIGTERM");
    expect((await sup.exited).code).toBe(0);
    expect((await sched.exited).code).toBe(0);

    const lines = parseAll(sup.output());
    expect(lines.some((l) => l.role === "scheduler")).toBe(false);
    const jl = jobLines(lines, "RecordJob");
    expect(jl.map((l) => l.event)).toEqual(["job.start", "job.success"]);
    for (const l of jl) expect(l).toMatchObject({ jobId: job.id, args: [{ n: "args", secret: SECRET }] });

    const schedLines = parseAll(sched.output());
    for (const l of schedLines) expect(l.role).toBe("scheduler");
    expect(schedLines.some((l) => l.event === "scheduler.leader")).toBe(true);
  });

  it("a `work` that cannot start says why in a JSON line, not in text on stderr", () => {
    const r = runCli(
      ["work"],
      cliEnv(inject("redisUrl"), testNamespace("jsonfail"), { LOG_FORMAT: "json", QUEUE_COUNT: "many" }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(parseAll(r.stdout)).toEqual([
      expect.objectContaining({
        level: "error",
        msg: 'error: QUEUE_COUNT must be a positive whole number, got "many"',
      }),
    ]);
  });

  it("without LOG_FORMAT the lines stay text for a person: a failure is one line, starts and successes are not logged", async () => {
    const { url, ns, redis, client, key } = setup("textlog");
    const sup = start(["work"], url, ns, { SCHEDULER: "0" });
    await waitFor("worker registered", async () => (await redis.scard(key("workers"))) === 1, 60_000);
    await client.enqueue("q", "FailJob", { why: "text", secret: SECRET });
    await waitFor("failure record", async () => (await redis.llen(key("failed"))) === 1);
    sup.kill("SIGQUIT");
    expect((await sup.exited).code).toBe(0);
    const lines = sup.output().split("\n").filter(Boolean);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z [a-z]/);
    expect(lines.filter((l) => l.includes("FailJob"))).toEqual([
      expect.stringMatching(/Z worker \d+: FailJob on q failed: Error: failing on purpose: text$/),
    ]);
    expect(sup.output()).not.toContain(SECRET);
  });
});
