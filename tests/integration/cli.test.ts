import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { parseWorkerId } from "@/lib/resque";
import { cliEnv, runCli, runQueueScript, startCli, type Running } from "../helpers/processes";
import { runCliInProcess as cli } from "../helpers/cli";
import { freePort } from "../helpers/redis-server";
import { testNamespace, waitFor } from "../helpers/ns";

/*
 * One-shot commands run in this process (`cli`, through main(argv, io)); `work` and `restart`
 * run as real processes, and the "real entry" tests spawn the bin and the bundle themselves.
 */

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.killTree();
});

function ctx() {
  const url = inject("redisUrl");
  const ns = testNamespace("cli");
  const redis = new Redis(url);
  return { url, ns, redis, env: cliEnv(url, ns), key: (k: string) => `${ns}:${k}` };
}

describe("queue CLI", () => {
  // First in the file, so no earlier test's connection is still closing while sockets are counted.
  it("each in-process call uses the Redis and namespace its env names, on a connection closed before it returns", async () => {
    const { url, ns, redis, env, key } = ctx();
    const other = testNamespace("cli-other");
    const db3 = new Redis(`${url}/3`);
    await Promise.all([redis.ping(), db3.ping()]);
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
    const before = sockets();
    // At once, so a client shared between calls (or picked by the first env) would show.
    const port = await freePort();
    const runs = await Promise.all([
      cli(["enqueue", "a", "RecordJob", '{"n":"db0"}'], env),
      cli(["enqueue", "a", "RecordJob", '{"n":"other"}'], { ...env, RESQUE_NAMESPACE: other }),
      cli(["enqueue", "a", "RecordJob", '{"n":"db3"}'], { ...env, REDIS_URL: `${url}/3` }),
      cli(["status"], { ...env, REDIS_URL: `redis://127.0.0.1:${port}` }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 1]);
    expect(sockets(), "sockets left open by the calls").toBe(before);
    const n = async (client: Redis, k: string) =>
      (await client.lrange(k, 0, -1)).map((raw) => JSON.parse(raw).args[0].n as string);
    expect(await n(redis, key("queue:a"))).toEqual(["db0"]);
    expect(await n(redis, `${other}:queue:a`)).toEqual(["other"]);
    expect(await n(db3, `${ns}:queue:a`)).toEqual(["db3"]);
    for (const [client, prefix] of [
      [redis, other],
      [db3, ns],
    ] as const) {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length) await client.del(...keys);
    }
    db3.disconnect();
    redis.disconnect();
  });

  it("enqueue writes a php-compatible payload and registers the queue", async () => {
    const { redis, env, key } = ctx();
    const r = await cli(
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
    const badJson = await cli(["enqueue", "q", "SendEmailJob", "{to:"], env);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^error: The args are not valid JSON .*\n$/);
    const badArgs = await cli(["enqueue", "q", "SendEmailJob", '{"to":"nobody","subject":"s","body":"b"}'], env);
    expect(badArgs.code).toBe(1);
    expect(badArgs.stderr).toBe("error: Invalid args for SendEmailJob: to: Invalid email address\n");
    const missing = await cli(["enqueue", "q"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Usage: npm run queue -- enqueue <queue> <class>/);
    const foreign = await cli(["enqueue", "q", "Php\\Only\\Job", "[1,2]"], env);
    expect(foreign.code).toBe(0);
    expect(foreign.stderr).toMatch(/no TypeScript job class is registered/);
    expect(await redis.llen(key("queue:q"))).toBe(1);
    redis.disconnect();
  });

  it("unknown commands, bad settings and an unreachable Redis are one line and a non-zero exit", async () => {
    const { env } = ctx();
    const unknown = await cli(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: Unknown command "frobnicate". Run `npm run queue -- help` for the list.\n');
    const port = await freePort();
    const down = await cli(["status"], { ...env, REDIS_URL: `redis://:secret@127.0.0.1:${port}` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      new RegExp(`^error: Cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .+\\n$`),
    );
    const count = await cli(["status"], { ...env, QUEUE_COUNT: "two" });
    expect(count.code).toBe(1);
    expect(count.stderr).toBe('error: QUEUE_COUNT must be a positive whole number, got "two"\n');
    const help = await cli(["help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run queue -- <command>/);
    // work and scheduler run until a signal: never inside another process.
    for (const cmd of ["work", "scheduler"]) {
      const inside = await cli([cmd], env);
      expect(inside.code, cmd).toBe(2);
      expect(inside.stderr).toBe(`error: \`${cmd}\` runs only as a process of its own: npm run queue -- ${cmd}\n`);
    }
  });

  it("reads QUEUE_ENV's env file and php's REDIS_BACKEND/PREFIX names", async () => {
    const { url, redis } = ctx();
    const dir = mkdtempSync(path.join(os.tmpdir(), "qenv-"));
    const ns = testNamespace("envfile");
    writeFileSync(path.join(dir, ".env.prod"), `PREFIX=${ns}\nREDIS_BACKEND=${new URL(url).host}\n`);
    const env: NodeJS.ProcessEnv = { ...cliEnv("", ""), QUEUE_ENV: "prod" };
    delete env.REDIS_URL;
    delete env.RESQUE_NAMESPACE;
    const r = await cli(["enqueue", "x", "Foo"], env, { cwd: dir });
    expect(r.code).toBe(0);
    expect(await redis.llen(`${ns}:queue:x`)).toBe(1);
    const missing = await cli(["status"], { ...env, QUEUE_ENV: "staging" }, { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/QUEUE_ENV=staging but \.env\.staging does not exist/);
    redis.disconnect();
  });

  it("status shows queues, workers with their current job, and the failed count (text and --json)", async () => {
    const { redis, env, key } = ctx();
    const sup = startCli(["work"], { ...env, QUEUE: "st" });
    started.push(sup);
    const id = await waitFor("worker", async () => (await redis.smembers(key("workers")))[0], 60_000);
    // Held until released, so "in flight" holds however slowly a loaded machine runs the CLI.
    await cli(["enqueue", "st", "BlockJob", '{"n":"slow"}'], env);
    await cli(["enqueue", "other", "RecordJob", '{"n":1}'], env);
    await cli(["enqueue", "st", "FailJob", "{}"], env);
    await waitFor("job in flight", async () => (await redis.sismember(key("test:started"), "slow")) === 1);
    const text = await cli(["status"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/processed 0 · failed 0 in the failed list/);
    expect(text.stdout).toMatch(/^other\s+1\s+\d+\.\ds/m);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toMatch(/BlockJob on st since \d+s ago/);
    const json = JSON.parse((await cli(["status", "--json"], env)).stdout);
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
    for (const why of ["one", "two", "three"]) await cli(["enqueue", "f", "FailJob", JSON.stringify({ why })], env);
    await waitFor("3 failures", async () => (await redis.llen(key("failed"))) === 3, 60_000);
    sup.kill("SIGQUIT");
    await sup.exited;
    const list = await cli(["failed"], env);
    expect(list.stdout).toMatch(/Failed jobs 1–3 of 3 \(newest first\)/);
    expect(list.stdout).toMatch(/Error: failing on purpose: three/);
    const json = JSON.parse((await cli(["failed", "--json"], env)).stdout);
    expect(json.total).toBe(3);
    const newest = json.items[0];
    expect(newest.payload.namedArgs).toEqual({ why: "three" });
    const one = await cli(["retry", newest.id], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("1 job(s) retried and removed from the failed list.\n");
    expect(await redis.llen(key("failed"))).toBe(2);
    expect(JSON.parse((await redis.lindex(key("queue:f"), 0))!).args).toEqual([{ why: "three" }]);
    const stale = await cli(["retry", newest.id], env);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/0 job\(s\) retried.*1 skipped/s);
    const all = await cli(["retry", "--all"], env);
    expect(all.stdout).toBe("2 job(s) retried and removed from the failed list.\n");
    expect(await redis.llen(key("queue:f"))).toBe(3);
    expect((await cli(["retry"], env)).code).toBe(2);
    redis.disconnect();
  });

  it("clear asks, refuses without a terminal, and clears with --yes", async () => {
    const { redis, env, key } = ctx();
    await cli(["enqueue", "a", "Foo"], env);
    await cli(["enqueue", "a", "Foo"], env);
    await cli(["enqueue", "b", "Foo"], env);
    const refused = await cli(["clear", "a"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Clear 2 job\(s\) from queue a\? Refusing without a terminal to ask on: add --yes/);
    expect(await redis.llen(key("queue:a"))).toBe(2);
    const one = await cli(["clear", "a", "--yes"], env);
    expect(one.stdout).toBe("Cleared 2 job(s) from a.\n");
    expect(await redis.llen(key("queue:b"))).toBe(1);
    const all = await cli(["clear", "-y"], env);
    expect(all.stdout).toBe("Cleared 1 job(s) from a, b.\n");
    expect(await redis.smembers(key("queues"))).toHaveLength(2); // cleared, still registered
    redis.disconnect();
  });

  it("clear on a terminal asks: no keeps the jobs, yes clears them", async () => {
    const { redis, env, key } = ctx();
    await cli(["enqueue", "a", "Foo"], env);
    const no = await cli(["clear", "a"], env, { tty: true, input: "n\n" });
    expect(no.code).toBe(1);
    expect(no.stdout).toBe("Clear 1 job(s) from queue a? [y/N] Nothing cleared.\n");
    expect(await redis.llen(key("queue:a"))).toBe(1);
    const yes = await cli(["clear", "a"], env, { tty: true, input: "yes\n" });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toBe("Clear 1 job(s) from queue a? [y/N] Cleared 1 job(s) from a.\n");
    expect(await redis.llen(key("queue:a"))).toBe(0);
    redis.disconnect();
  });

  // A process of its own throughout: the supervisor, and `restart` as an operator runs it.
  it("restart replaces every supervisor's workers gracefully: the current job finishes first", async () => {
    const { redis, env, key } = ctx();
    const sup = startCli(["work"], { ...env, QUEUE: "r", QUEUE_COUNT: "2" });
    started.push(sup);
    await waitFor("2 workers", async () => (await redis.scard(key("workers"))) === 2, 60_000);
    const before = (await redis.smembers(key("workers"))).map((id) => parseWorkerId(id).pid);
    // Held until released (not a fixed 1.5 s), so it is still in flight when `restart` is sent.
    await cli(["enqueue", "r", "BlockJob", '{"n":"during-restart"}'], env);
    await waitFor("job started", async () => (await redis.sismember(key("test:started"), "during-restart")) === 1);
    const r = runCli(["restart"], env);
    expect(r.stdout).toBe("Restart sent to 1 supervisor(s); their workers finish their current jobs first.\n");
    expect(await redis.sismember(key("test:done"), "during-restart")).toBe(0);
    await redis.rpush(key("test:release:during-restart"), "go");
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

describe("queue CLI through its real entries (processes of their own)", () => {
  it("npm run queue's entry (scripts/queue.mjs) enqueues and exits 0", async () => {
    const { redis, env, key } = ctx();
    const r = runQueueScript(
      ["enqueue", "email", "Common\\Job\\SendEmailJob", '{"to":"a@example.com","subject":"Hi","body":"x/y"}'],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const id = /^Enqueued Common\\Job\\SendEmailJob on email \(id ([0-9a-f]{32})\)\.\n$/.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();
    expect(JSON.parse((await redis.lindex(key("queue:email"), 0))!)).toMatchObject({
      class: "Common\\Job\\SendEmailJob",
      args: [{ to: "a@example.com", subject: "Hi", body: "x/y" }],
      id,
    });
    redis.disconnect();
  });

  it("the bundle's entry exits 2 on a usage error and 1 when Redis is unreachable, with one line on stderr", async () => {
    const { env, redis } = ctx();
    redis.disconnect();
    const unknown = runCli(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe('error: Unknown command "frobnicate". Run `npm run queue -- help` for the list.\n');
    const port = await freePort();
    const down = runCli(["status"], { ...env, REDIS_URL: `redis://:secret@127.0.0.1:${port}` });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe("");
    expect(down.stderr).toMatch(
      new RegExp(`^error: Cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .+\\n$`),
    );
  });
});
