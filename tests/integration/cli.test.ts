import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { parseWorkerId } from "@/lib/resque";
import { cliEnv, runCli, startCli, type Running } from "../helpers/processes";
import { freePort } from "../helpers/redis-server";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.kill("SIGKILL");
});

function ctx() {
  const url = inject("redisUrl");
  const ns = testNamespace("cli");
  const redis = new Redis(url);
  return { url, ns, redis, env: cliEnv(url, ns), key: (k: string) => `${ns}:${k}` };
}

describe("queue CLI", () => {
  it("enqueue writes a php-compatible payload and registers the queue", async () => {
    const { redis, env, key } = ctx();
    const r = runCli(
      ["enqueue", "email", "Common\\Job\\SendEmailJob", '{"to":"a@example.com","subject":"Hi","body":"x/y"}'],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Enqueued Common\\Job\\SendEmailJob on email \(id [0-9a-f]{32}\)\./);
    const raw = (await redis.lindex(key("queue:email"), 0))!;
    expect(raw).toMatch(
      /^\{"class":"Common\\\\Job\\\\SendEmailJob","args":\[\{"to":"a@example.com","subject":"Hi","body":"x\/y"\}\],"id":"[0-9a-f]{32}","queue_time":\d+(\.\d+)?\}$/,
    );
    expect(await redis.smembers(key("queues"))).toEqual(["email"]);
    redis.disconnect();
  });

  it("enqueue refuses bad input with one readable line and stores nothing", async () => {
    const { redis, env, key } = ctx();
    const badJson = runCli(["enqueue", "q", "SendEmailJob", "{to:"], env);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^error: The args are not valid JSON .*\n$/);
    const badArgs = runCli(["enqueue", "q", "SendEmailJob", '{"to":"nobody","subject":"s","body":"b"}'], env);
    expect(badArgs.code).toBe(1);
    expect(badArgs.stderr).toBe("error: Invalid args for SendEmailJob: to: Invalid email address\n");
    const missing = runCli(["enqueue", "q"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Usage: npm run queue -- enqueue <queue> <class>/);
    const foreign = runCli(["enqueue", "q", "Php\\Only\\Job", "[1,2]"], env);
    expect(foreign.code).toBe(0);
    expect(foreign.stderr).toMatch(/no TypeScript job class is registered/);
    expect(await redis.llen(key("queue:q"))).toBe(1);
    redis.disconnect();
  });

  it("unknown commands, bad settings and an unreachable Redis are one line and a non-zero exit", async () => {
    const { env } = ctx();
    const unknown = runCli(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: Unknown command "frobnicate". Run `npm run queue -- help` for the list.\n');
    const port = await freePort();
    const down = runCli(["status"], { ...env, REDIS_URL: `redis://:secret@127.0.0.1:${port}` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      new RegExp(`^error: Cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .+\\n$`),
    );
    const count = runCli(["status"], { ...env, QUEUE_COUNT: "two" });
    expect(count.code).toBe(1);
    expect(count.stderr).toBe('error: QUEUE_COUNT must be a positive whole number, got "two"\n');
    const help = runCli(["help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run queue -- <command>/);
  });

  it("reads QUEUE_ENV's env file and php's REDIS_BACKEND/PREFIX names", async () => {
    const { url, redis } = ctx();
    const dir = mkdtempSync(path.join(os.tmpdir(), "qenv-"));
    const ns = testNamespace("envfile");
    writeFileSync(path.join(dir, ".env.prod"), `PREFIX=${ns}\nREDIS_BACKEND=${new URL(url).host}\n`);
    const env: NodeJS.ProcessEnv = { ...cliEnv("", ""), QUEUE_ENV: "prod" };
    delete env.REDIS_URL;
    delete env.RESQUE_NAMESPACE;
    const { spawnSync } = await import("node:child_process");
    const { CLI } = await import("../helpers/processes");
    const r = spawnSync(process.execPath, [CLI, "enqueue", "x", "Foo"], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(await redis.llen(`${ns}:queue:x`)).toBe(1);
    const missing = spawnSync(process.execPath, [CLI, "status"], {
      cwd: dir,
      env: { ...env, QUEUE_ENV: "staging" },
      encoding: "utf8",
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/QUEUE_ENV=staging but \.env\.staging does not exist/);
    redis.disconnect();
  });

  it("status shows queues, workers with their current job, and the failed count (text and --json)", async () => {
    const { redis, env, key } = ctx();
    const sup = startCli(["work"], { ...env, QUEUE: "st" });
    started.push(sup);
    const id = await waitFor("worker", async () => (await redis.smembers(key("workers")))[0], 60_000);
    // Held until released, so "in flight" holds however slowly a loaded machine runs the CLI.
    runCli(["enqueue", "st", "BlockJob", '{"n":"slow"}'], env);
    runCli(["enqueue", "other", "RecordJob", '{"n":1}'], env);
    runCli(["enqueue", "st", "FailJob", "{}"], env);
    await waitFor("job in flight", async () => (await redis.sismember(key("test:started"), "slow")) === 1);
    const text = runCli(["status"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/processed 0 · failed 0 in the failed list/);
    expect(text.stdout).toMatch(/^other\s+1\s+\d+\.\ds/m);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toMatch(/BlockJob on st since \d+s ago/);
    const json = JSON.parse(runCli(["status", "--json"], env).stdout);
    expect(json.stats.working).toBe(1);
    expect(json.workers[0].job.payload.className).toBe("BlockJob");
    expect(json.queues.map((q: { name: string }) => q.name).sort()).toEqual(["other", "st"]);
    await redis.rpush(key("test:release:slow"), "go");
    await waitFor("released job done", async () => (await redis.sismember(key("test:done"), "slow")) === 1, 60_000);
    sup.kill("SIGTERM");
    await sup.exited;
    redis.disconnect();
  });

  it("failed lists failures and retry <id> / --all requeues them (removing the records)", async () => {
    const { redis, env, key } = ctx();
    const sup = startCli(["work"], { ...env, QUEUE: "f" });
    started.push(sup);
    for (const why of ["one", "two", "three"]) runCli(["enqueue", "f", "FailJob", JSON.stringify({ why })], env);
    await waitFor("3 failures", async () => (await redis.llen(key("failed"))) === 3, 60_000);
    sup.kill("SIGQUIT");
    await sup.exited;
    const list = runCli(["failed"], env);
    expect(list.stdout).toMatch(/Failed jobs 1–3 of 3 \(newest first\)/);
    expect(list.stdout).toMatch(/Error: failing on purpose: three/);
    const json = JSON.parse(runCli(["failed", "--json"], env).stdout);
    expect(json.total).toBe(3);
    const newest = json.items[0];
    expect(newest.payload.namedArgs).toEqual({ why: "three" });
    const one = runCli(["retry", newest.id], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("1 job(s) retried and removed from the failed list.\n");
    expect(await redis.llen(key("failed"))).toBe(2);
    expect(JSON.parse((await redis.lindex(key("queue:f"), 0))!).args).toEqual([{ why: "three" }]);
    const stale = runCli(["retry", newest.id], env);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/0 job\(s\) retried.*1 skipped/s);
    const all = runCli(["retry", "--all"], env);
    expect(all.stdout).toBe("2 job(s) retried and removed from the failed list.\n");
    expect(await redis.llen(key("queue:f"))).toBe(3);
    expect(runCli(["retry"], env).code).toBe(2);
    redis.disconnect();
  });

  it("clear asks, refuses without a terminal, and clears with --yes", async () => {
    const { redis, env, key } = ctx();
    runCli(["enqueue", "a", "Foo"], env);
    runCli(["enqueue", "a", "Foo"], env);
    runCli(["enqueue", "b", "Foo"], env);
    const refused = runCli(["clear", "a"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Clear 2 job\(s\) from queue a\? Refusing without a terminal to ask on: add --yes/);
    expect(await redis.llen(key("queue:a"))).toBe(2);
    const one = runCli(["clear", "a", "--yes"], env);
    expect(one.stdout).toBe("Cleared 2 job(s) from a.\n");
    expect(await redis.llen(key("queue:b"))).toBe(1);
    const all = runCli(["clear", "-y"], env);
    expect(all.stdout).toBe("Cleared 1 job(s) from a, b.\n");
    expect(await redis.smembers(key("queues"))).toHaveLength(2); // cleared, still registered
    redis.disconnect();
  });

  it("restart replaces every supervisor's workers gracefully: the current job finishes first", async () => {
    const { redis, env, key } = ctx();
    const sup = startCli(["work"], { ...env, QUEUE: "r", QUEUE_COUNT: "2" });
    started.push(sup);
    await waitFor("2 workers", async () => (await redis.scard(key("workers"))) === 2, 60_000);
    const before = (await redis.smembers(key("workers"))).map((id) => parseWorkerId(id).pid);
    runCli(["enqueue", "r", "RecordJob", '{"n":"during-restart","ms":1500}'], env);
    await waitFor("job started", async () => (await redis.sismember(key("test:started"), "during-restart")) === 1);
    const r = runCli(["restart"], env);
    expect(r.stdout).toBe("Restart sent to 1 supervisor(s); their workers finish their current jobs first.\n");
    await waitFor(
      "all workers replaced",
      async () => {
        const now = (await redis.smembers(key("workers"))).map((id) => parseWorkerId(id).pid);
        return now.length === 2 && now.every((p) => !before.includes(p));
      },
      60_000,
    );
    expect(await redis.sismember(key("test:done"), "during-restart")).toBe(1);
    expect(await redis.llen(key("failed"))).toBe(0);
    sup.kill("SIGQUIT");
    await sup.exited;
    const none = runCli(["restart"], env);
    expect(none.stdout).toMatch(/No supervisor is listening/);
    redis.disconnect();
  });
});
