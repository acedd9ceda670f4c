/**
 * Following a Sentinel failover with no restart (issue 14 items 1-2): a primary, a replica and
 * three sentinels (tests/helpers/sentinel.ts); a real supervisor (`work`: two worker processes,
 * the scheduler) plus a second scheduler process, and a real `next start`, all configured only
 * with REDIS_SENTINELS / REDIS_SENTINEL_NAME. The primary is SIGKILLed at several moments (idle,
 * mid-drain of 5,000 jobs, during delayed promotion, during "retry all" of the failed list), the
 * replica is promoted, and the old primary comes back as a replica each time. A fifth kill comes
 * after the replica was cut off (tests/helpers/sentinel.ts cutReplication), so the last writes are
 * really lost: producers with and without REDIS_MIN_REPLICAS_ACK=1 show what each loses, each
 * feeding its own queue run by its own supervisor, the second one's workers with the option too
 * (a job starts only once a replica has its reservation; a settle lost with the old primary is
 * written again, not run again): with it, 0 lost and none run twice.
 *
 * Runs are recorded outside Redis (LogRunJob appends to a file), because a failover without the
 * ack option may lose Redis's last writes: lost and twice-run jobs are counted and printed. What
 * must hold is asserted: nothing crashes, jobs flow again, every job that was on the replica
 * before the kill runs (0 lost), none runs more than twice (a run whose finish was lost with the
 * old primary is run again, the rule for a lost reply), a rejoining old primary applies nothing
 * again, and a scheduler that lost its lock stops moving delayed items.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { Queue as NodeQueue } from "node-resque";
import { Client, Connection, NotReplicatedError, retryAllFailed } from "@/lib/resque";
import { createRedis, durabilityFromEnv, redisTargetFromEnv } from "@/lib/redis";
import { startSentinelSet, type SentinelSet } from "../helpers/sentinel";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { numberedBatches, readRuns, resumeMs, tallyRuns } from "../helpers/run-log";
import { testNamespace, waitFor } from "../helpers/ns";
import { signIn, startWeb, type WebServer } from "../helpers/web";
import { openBrowser } from "../helpers/browser";

const QUEUE = "failover";
/** The queue of the second supervisor, whose workers run with REDIS_MIN_REPLICAS_ACK=1. */
const ACK_QUEUE = "failover-ack";
let set: SentinelSet | undefined;
let redis: Redis;
let conn: Connection;
let client: Client;
let web: WebServer | undefined;
let dir: string;
let runLog: string;
let env: NodeJS.ProcessEnv;
const ns = testNamespace("sentinel");
const procs: Running[] = [];
let sup: Running;
/** `work` with REDIS_MIN_REPLICAS_ACK=1 on ACK_QUEUE (no scheduler of its own). */
let ackSup: Running;
let sched: Running;
let nextN = 0;
/** A killed primary not yet back as a replica (a test failed first): the next test brings it back. */
let pendingRejoin: number | undefined;

const runs = () => readRuns(runLog);
const tally = (from: number, to: number) => tallyRuns(runLog, from, to);

/** Enqueued jobs stored on the replica too (WAIT), so a kill cannot lose them: any loss is the system's. */
async function enqueue(count: number, args: Record<string, unknown> = {}): Promise<[number, number]> {
  const from = nextN;
  for (const specs of numberedBatches(QUEUE, from, count, args, 1000)) await client.enqueueMany(specs);
  nextN += count;
  await redis.call("WAIT", "1", "10000");
  return [from, nextN];
}

/** Nothing queued, delayed or in flight on the (new) primary. */
async function settled(): Promise<boolean> {
  const k = conn.keys;
  if ((await redis.llen(k.queue(QUEUE))) > 0 || (await redis.llen(k.queue(ACK_QUEUE))) > 0) return false;
  if ((await redis.zcard(k.delayedSchedule)) > 0) return false;
  const ids = await redis.smembers(k.workers);
  if (ids.length === 0) return false;
  const held = await redis.mget(...ids.map((id) => k.worker(id)));
  return held.every((h) => !h);
}

function assertAlive() {
  expect(sup.proc.exitCode, sup.output()).toBeNull();
  expect(ackSup.proc.exitCode, ackSup.output()).toBeNull();
  expect(sched.proc.exitCode, sched.output()).toBeNull();
  // No worker process died on the way (the supervisor would have said so and started another).
  expect(sup.output()).not.toMatch(/worker \d+ exited|could not start/);
  expect(ackSup.output()).not.toMatch(/worker \d+ exited|could not start/);
}

/**
 * The old primary comes back, holding its own copy; the sentinels make it a replica of the new one.
 * Nothing it held may run again: the run counts stay as they were, and a marker job runs once.
 */
async function rejoin(oldPort: number, restarted = false) {
  pendingRejoin = undefined;
  const before = runs().list.length;
  if (!restarted) await set!.restartAsReplica(oldPort);
  const [m] = await enqueue(1);
  await waitFor("the marker job after the rejoin", () => runs().count.get(m) === 1, 60_000);
  await waitFor("all settled after the rejoin", settled, 60_000);
  expect(runs().list.length).toBe(before + 1);
  // The rejoined server holds the new primary's data, not its own.
  const primary = set!.direct(await set!.primaryPort());
  const replica = set!.direct(oldPort);
  try {
    await waitFor(
      "the replica to hold what the primary holds",
      async () => (await replica.dbsize()) === (await primary.dbsize()),
      30_000,
    );
  } finally {
    primary.disconnect();
    replica.disconnect();
  }
}

function report(moment: string, f: { killedAt: number; promotedAt: number }, t: ReturnType<typeof tally>) {
  const resume = resumeMs(runLog, f.promotedAt);
  console.log(
    `[sentinel] ${moment}: primary death → promotion ${f.promotedAt - f.killedAt} ms; ` +
      `promotion → first job finished on the new primary ${resume ?? "?"} ms; lost ${t.lost}, ran twice ${t.twice}`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tsq-sentinel-test-"));
  runLog = path.join(dir, "runs.log");
  // down-after 3 s, not the bench's 1 s: under load (four e2e files at once) a just-promoted primary went
  // 1.1 s without answering, all three sentinels marked it down and failed it over again, to the
  // old primary the test had just restarted with its stale data (their logs, 2026-12-04). That is
  // Sentinel doing as configured, not what these tests are about; 3 s of silence is far rarer.
  set = await startSentinelSet({ label: "e2e", downAfterMs: 3000 });
  env = {
    ...cliEnv("redis://127.0.0.1:1", ns, {
      QUEUE,
      QUEUE_COUNT: "2",
      WORKER_CONCURRENCY: "4",
      LOCK_TIMEOUT: "5",
      TEST_RUN_LOG: runLog,
      ...set.env,
    }),
  };
  delete env.REDIS_URL;
  redis = createRedis(redisTargetFromEnv(env), { lazyConnect: false, maxRetriesPerRequest: 100 });
  redis.on("error", () => {});
  conn = new Connection({ redis, namespace: ns });
  client = new Client({ redis, namespace: ns });
  sup = startCli(["work"], env);
  ackSup = startCli(["work"], {
    ...env,
    QUEUE: ACK_QUEUE,
    SCHEDULER: "0",
    REDIS_MIN_REPLICAS_ACK: "1",
    REDIS_ACK_TIMEOUT_MS: "300",
  });
  sched = startCli(["scheduler"], env);
  procs.push(sup, ackSup, sched);
  const [w] = await Promise.all([
    startWeb({ redisUrl: "redis://127.0.0.1:1", namespace: ns, env: set.env }),
    waitFor("16 worker slots (two supervisors)", async () => (await redis.scard(conn.keys.workers)) === 16, 60_000),
  ]);
  web = w;
}, 240_000);

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await web?.stop();
  redis?.disconnect();
  await set?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Redis Sentinel failover", () => {
  // One failed moment must not fail the rest for want of a replica to promote.
  beforeEach(async () => {
    if (pendingRejoin !== undefined) await rejoin(pendingRejoin);
  }, 120_000);

  it("idle: the dashboard says Redis is switching, then is live by itself; a CLI command works through it", async () => {
    const stats = async () => {
      try {
        const r = await fetch(`${web!.url}/api/stats`, { headers: { authorization: `Bearer ${web!.apiToken}` } });
        return { status: r.status, body: (await r.json()) as { error?: string } };
      } catch (e) {
        return { status: 0, body: { error: (e as Error).message } };
      }
    };
    expect((await stats()).status).toBe(200);
    const seen: { status: number; body: { error?: string } }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) seen.push(await stats());
    })();
    let status: Running | undefined;
    const f = await set!.killPrimary(() => {
      status = startCli(["status"], env);
      procs.push(status);
    });
    pendingRejoin = f.oldPort;
    try {
      await waitFor("the dashboard to answer again", async () => (await stats()).status === 200, 60_000);
    } finally {
      polling = false;
      await poller;
    }
    const [from, to] = await enqueue(20);
    await waitFor("20 jobs after the failover", () => tally(from, to).lost === 0, 60_000);
    report("idle", f, tally(from, to));

    // Never a raw driver error or a 500: while the primary is away the JSON says it is switching.
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    const down = seen.filter((s) => s.status === 503);
    expect(down.length).toBeGreaterThan(0);
    for (const s of down) expect(s.body.error).toMatch(/^Redis is switching to a new primary/);

    const done = await status!.exited;
    expect(done.code, status!.output()).toBe(0);
    // Started right after the kill, it meets the switch unless its own start-up outlasted it (a
    // loaded machine): then it simply ran on the new primary. The screens test waits for sure.
    const met = /Redis is switching to a new primary .*waiting/.test(status!.output());
    console.log(`[sentinel] CLI during the failover: ${met ? "said it was waiting, then ran" : "started after it"}`);
    expect(status!.output()).toMatch(
      new RegExp(`Redis: Sentinel master "mymaster" via .*, primary now 127\\.0\\.0\\.1:${f.newPort}`),
    );
    assertAlive();
    await rejoin(f.oldPort);
  }, 240_000);

  it("mid-drain of 5,000 jobs: workers follow the new primary, none lost, none run more than twice", async () => {
    const [from, to] = await enqueue(5000, { ms: 2 });
    await waitFor("the drain to be under way", async () => (await redis.llen(conn.keys.queue(QUEUE))) < 4000, 60_000);
    const f = await set!.killPrimary();
    pendingRejoin = f.oldPort;
    await waitFor("every job to run", () => tally(from, to).lost === 0, 120_000);
    await waitFor("all settled", settled, 60_000);
    const t = tally(from, to);
    report("mid-drain", f, t);
    expect(t.lost).toBe(0);
    expect(t.most).toBeLessThanOrEqual(2);
    expect(resumeMs(runLog, f.promotedAt)).toBeDefined();
    expect(await redis.llen(conn.keys.failed)).toBe(0);
    assertAlive();
    await rejoin(f.oldPort);
  }, 300_000);

  it("during delayed promotion by two schedulers: each item moved once per copy, none lost; a leader without its lock stops", async () => {
    const k = conn.keys;
    const base = Math.floor(Date.now() / 1000) + 2;
    const from = nextN;
    // 1,200 items due over four seconds, so the kill meets the schedulers in the middle of moving them.
    for (let s = 0; s < 4; s++)
      for (let i = 0; i < 300; i++)
        await client.enqueueAt(new Date((base + s) * 1000), QUEUE, "LogRunJob", { n: nextN++ });
    const to = nextN;
    await redis.call("WAIT", "1", "10000");
    await waitFor("the first items to run", () => runs().list.some((r) => r.n >= from), 60_000);
    const f = await set!.killPrimary();
    pendingRejoin = f.oldPort;
    await waitFor("every delayed item to run", () => tally(from, to).lost === 0, 120_000);
    await waitFor("all settled", settled, 60_000);
    const t = tally(from, to);
    report("delayed promotion", f, t);
    expect(t.lost).toBe(0);
    expect(t.most).toBeLessThanOrEqual(2);

    // Someone else holds the lock now (as when the lock was lost with the old primary and another
    // scheduler took it): ours must both stand by and move nothing, until the lock is free again.
    await redis.set(k.schedulerMasterLock, "another-host:1", "PX", 120_000);
    const records = async () =>
      Object.values(await redis.hgetall(k.schedulers)).map(
        (v) => JSON.parse(v) as { role: string; lastTickAt: string },
      );
    /** Both schedulers ticked (as standbys) after now. */
    const standbyTick = async () => {
      const mark = new Date().toISOString();
      await waitFor(
        "both schedulers to tick as standbys",
        async () => {
          const recs = await records();
          return recs.length === 2 && recs.every((r) => r.role === "standby" && r.lastTickAt > mark);
        },
        60_000,
      );
    };
    await standbyTick();
    const held = nextN++;
    // Due a second from now (a time already past would be queued at once, not delayed).
    const dueMs = (Math.floor(Date.now() / 1000) + 1) * 1000;
    await client.enqueueAt(new Date(dueMs), QUEUE, "LogRunJob", { n: held });
    await waitFor("the held item to be due", () => Date.now() >= dueMs + 1);
    await standbyTick();
    await standbyTick();
    expect(await redis.zcard(k.delayedSchedule)).toBe(1);
    expect(runs().count.get(held)).toBeUndefined();
    await redis.del(k.schedulerMasterLock);
    await waitFor("the held item to run once the lock is free", () => runs().count.get(held) === 1, 60_000);
    assertAlive();
    await rejoin(f.oldPort);
  }, 300_000);

  it("during 'retry all' of the failed list: every failed job runs, none more than twice", async () => {
    const fixed = path.join(dir, "fixed");
    const [from, to] = await enqueue(300, { failUnless: fixed });
    await waitFor("300 failures", async () => (await redis.llen(conn.keys.failed)) === 300, 60_000);
    await waitFor("all settled", settled, 60_000);
    await redis.call("WAIT", "1", "10000");
    writeFileSync(fixed, "");
    // The dashboard's "retry all" code path, started as the primary dies; clicked again after.
    let first: Promise<unknown> | undefined;
    const f = await set!.killPrimary(() => {
      first = retryAllFailed(conn).catch((e: Error) => e);
    });
    pendingRejoin = f.oldPort;
    const outcome = await first;
    console.log(
      `[sentinel] retry all during the failover: ${outcome instanceof Error ? `failed (${outcome.message})` : JSON.stringify(outcome)}`,
    );
    await retryAllFailed(conn);
    await waitFor("every retried job to run", () => tally(from, to).lost === 0, 120_000);
    await waitFor("all settled", settled, 60_000);
    const t = tally(from, to);
    report("retry all", f, t);
    expect(t.lost).toBe(0);
    expect(t.most).toBeLessThanOrEqual(2);
    expect(await redis.llen(conn.keys.failed)).toBe(0);
    assertAlive();
    await rejoin(f.oldPort);
  }, 300_000);

  it("replica cut off, then the kill: without the ack option jobs are lost or run twice (counted); with it, 0 lost, 0 twice", async () => {
    // Two producers in this process, through the sentinels like the app's: one with
    // REDIS_MIN_REPLICAS_ACK=1 feeding ACK_QUEUE (run by the supervisor with the option), one
    // without feeding QUEUE (the supervisor without it). Each records what it was told was stored.
    const ackEnv = { ...env, REDIS_MIN_REPLICAS_ACK: "1", REDIS_ACK_TIMEOUT_MS: "300" };
    const ackRedis = createRedis(redisTargetFromEnv(ackEnv), {
      lazyConnect: false,
      maxRetriesPerRequest: 100,
    });
    ackRedis.on("error", () => {});
    const withAck = new Client({
      redis: ackRedis,
      namespace: ns,
      durability: durabilityFromEnv(ackEnv),
    });
    const produced = { plain: [] as number[], acked: [] as number[], refused: [] as number[], errors: 0 };
    let producing = true;
    const produce = async (c: Client, queue: string, stored: number[]) => {
      while (producing) {
        const n = nextN++;
        try {
          // 20 ms each, faster enqueued than the 8 slots run them: a backlog the kill can take.
          await c.enqueue(queue, "LogRunJob", { n, ms: 20 });
          stored.push(n);
        } catch (e) {
          if (e instanceof NotReplicatedError) produced.refused.push(n);
          else produced.errors++; // a connection error mid-switch: never reported as stored
        }
      }
    };
    const producers = [produce(client, QUEUE, produced.plain), produce(withAck, ACK_QUEUE, produced.acked)];
    try {
      await waitFor("both producers under way", () => produced.plain.length > 50 && produced.acked.length > 50);
      const primary = await set!.primaryPort();
      const replicaPort = set!.serverPorts.find((p) => p !== primary)!;
      const beforeCut = { plain: produced.plain.length, refused: produced.refused.length };
      await set!.cutReplication(replicaPort);
      // The primary keeps acknowledging plain enqueues the replica will never have; the option refuses.
      await waitFor(
        "writes the replica does not get",
        () => produced.plain.length > beforeCut.plain + 300 && produced.refused.length > beforeCut.refused,
      );
      const f = await set!.killPrimary();
      pendingRejoin = f.oldPort;
      await set!.healReplication(replicaPort);
      producing = false;
      await Promise.all(producers);
      // The option's workers start a job only once a replica has its reservation: the new primary
      // has none until the old one comes back as its replica.
      await set!.restartAsReplica(f.oldPort);
      // Every job the option confirmed runs (0 lost); the rest settles, whatever the kill took.
      await waitFor("every confirmed job to run", () => produced.acked.every((n) => runs().count.has(n)), 120_000);
      await waitFor("all settled", settled, 60_000);
      const { count } = runs();
      const of = (list: number[]) => ({
        lost: list.filter((n) => !count.has(n)).length,
        twice: list.filter((n) => (count.get(n) ?? 0) >= 2).length,
        most: Math.max(0, ...list.map((n) => count.get(n) ?? 0)),
      });
      const plain = of(produced.plain);
      const acked = of(produced.acked);
      const resume = resumeMs(runLog, f.promotedAt);
      console.log(
        `[sentinel] replica cut off, then the kill: primary death → promotion ${f.promotedAt - f.killedAt} ms; ` +
          `promotion → first job finished on the new primary ${resume ?? "?"} ms\n` +
          `[sentinel]   without REDIS_MIN_REPLICAS_ACK: ${produced.plain.length} acknowledged, lost ${plain.lost}, ran twice ${plain.twice}\n` +
          `[sentinel]   with REDIS_MIN_REPLICAS_ACK=1:  ${produced.acked.length} acknowledged, lost ${acked.lost}, ran twice ${acked.twice}; ` +
          `refused (NotReplicatedError, not acknowledged) ${produced.refused.length}; connection errors ${produced.errors}`,
      );
      expect(acked.lost).toBe(0);
      // LogRunJob does not declare rerunOnDirtyExit: with the option none of its jobs runs twice.
      expect(acked.twice).toBe(0);
      expect(plain.most).toBeLessThanOrEqual(2); // without it, a run whose reserve or finish was lost runs again
      assertAlive();
      await rejoin(f.oldPort, true);
    } finally {
      producing = false;
      await Promise.allSettled(producers);
      ackRedis.disconnect();
    }
  }, 300_000);

  it("interop: node-resque, connected to the primary the sentinels name, runs with our workers after the failovers", async () => {
    // node-resque has no Sentinel support of its own: it connects to the address the sentinels name.
    const queue = new NodeQueue(
      { connection: { host: "127.0.0.1", port: await set!.primaryPort(), namespace: ns } },
      {},
    );
    queue.on("error", () => {});
    await queue.connect();
    try {
      const n = nextN++;
      await queue.enqueue(QUEUE, "LogRunJob", [{ n }]);
      await waitFor("our worker to run node-resque's job", () => runs().count.get(n) === 1, 60_000);
      expect(Object.keys(await queue.workers()).length).toBeGreaterThanOrEqual(8);
    } finally {
      await queue.end();
    }
  }, 120_000);

  it("bad configuration: one clear line and exit 1, for `ping` (start.sh's check) and `work`", async () => {
    const run = async (args: string[], extra: Record<string, string>) => {
      const p = startCli(args, { ...env, ...extra });
      procs.push(p);
      const { code } = await p.exited;
      return { code, out: p.output().trim() };
    };
    const closed = `127.0.0.1:1,127.0.0.1:2`;
    const none = await run(["ping"], { REDIS_SENTINELS: closed });
    expect(none.code).toBe(1);
    expect(none.out).toMatch(
      /^error: Cannot reach Redis: none of the sentinels in REDIS_SENTINELS \(127\.0\.0\.1:1,127\.0\.0\.1:2\) answers/,
    );
    expect(none.out.split("\n")).toHaveLength(1);
    for (const args of [["ping"], ["work"]]) {
      const wrong = await run(args, { REDIS_SENTINEL_NAME: "nope" });
      expect(wrong.code).toBe(1);
      expect(wrong.out).toMatch(
        /^error: Cannot reach Redis: the sentinels .* know no master named "nope" \(REDIS_SENTINEL_NAME\); they know: mymaster$/,
      );
    }
    const ok = await run(["ping"], {});
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^Redis answers: Sentinel master "mymaster" via /);
  }, 120_000);

  it("screens: the switching banner, en and zh-CN, light and dark, 1280 and 390 px", async () => {
    // Last, as it ends the set: with every data server gone no replica can be promoted, so the
    // sentinels keep naming the dead primary and the banner stays for the screenshots.
    for (const port of set!.serverPorts) await set!.killServer(port);
    // Meanwhile a CLI command meets a switch that never ends: it says it waits, then gives up in one line.
    const ping = startCli(["ping"], env);
    procs.push(ping);
    const variants = [
      { locale: "en-US", colorScheme: "light", width: 1280, text: "Redis is switching to a new primary" },
      { locale: "zh-CN", colorScheme: "dark", width: 1280, text: "Redis 正在切换到新的主节点" },
      { locale: "en-US", colorScheme: "dark", width: 390, text: "Redis is switching to a new primary" },
      { locale: "zh-CN", colorScheme: "light", width: 390, text: "Redis 正在切换到新的主节点" },
    ] as const;
    for (const v of variants) {
      const b = await openBrowser({
        locale: v.locale,
        colorScheme: v.colorScheme,
        viewport: { width: v.width, height: v.width > 500 ? 800 : 844 },
      });
      try {
        await signIn(b.page, web!);
        await b.page.goto(web!.url);
        const alert = b.page.getByRole("alert").filter({ hasText: v.text });
        await alert.first().waitFor({ timeout: 60_000 });
        // The set and master name, never a password; the driver's text folded away under Details.
        expect(await alert.first().textContent()).toMatch(/Sentinel master "mymaster" via 127\.0\.0\.1:\d+/);
        await b.screenshot(`redis-switching-${v.colorScheme}-${v.locale === "zh-CN" ? "zh-CN" : "en"}-${v.width}`);
      } finally {
        await b.close();
      }
    }
    const pinged = await ping.exited;
    expect(pinged.code).toBe(1);
    expect(ping.output().trim().split("\n")).toEqual([
      expect.stringMatching(/^Redis is switching to a new primary \(Redis master "mymaster" at .*\); waiting for it…$/),
      expect.stringMatching(
        /^error: Cannot reach Redis: Redis master "mymaster" at 127\.0\.0\.1:\d+ \(named by the sentinels\) does not answer: /,
      ),
    ]);
  }, 240_000);
});
