/**
 * Redis Cluster (issue 14 item 4): three primaries with a replica each, and a second replica for
 * the namespace's slot (tests/helpers/cluster.ts),
 * a real supervisor (`work`: two worker processes and the scheduler) and a real `next start`, all
 * configured only with REDIS_CLUSTER and a hash-tagged namespace, with REDIS_MIN_REPLICAS_ACK=1.
 * The whole job life goes through the cluster (enqueue, run, fail, retry from the dashboard,
 * delayed, recurring schedule, and every other Lua script once); then the primary holding the
 * namespace's slot is SIGKILLed mid-drain, its replica takes over, and jobs flow again without a
 * restart with every acknowledged enqueue run (0 lost) and none run twice. Bad configuration is
 * one line and exit 1. Last, with the
 * slot's primary and its replicas all gone, the dashboard's "switching" banner is photographed.
 * One cluster for the file (CI's time budget).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Client,
  Connection,
  enqueueDelayedItemNow,
  keySlot,
  listFailed,
  peekQueue,
  registerWorker,
  removeQueuedJob,
  sampleHistory,
  saveSchedule,
  searchDelayed,
  setScheduleEnabled,
  unregisterWorker,
  type RedisClient,
} from "@/lib/resque";
import { createClient, redisTargetFromEnv } from "@/lib/redis";
import { startCluster, type RedisCluster } from "../helpers/cluster";
import { cliEnv, ROOT, startCli, type Running } from "../helpers/processes";
import { freePort } from "../helpers/redis-server";
import { numberedBatches, readRuns, resumeMs, tallyRuns } from "../helpers/run-log";
import { testNamespace, waitFor } from "../helpers/ns";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";
import { openBrowser } from "../helpers/browser";

const QUEUE = "clustered";
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const ACK = { minReplicas: 1, timeoutMs: 2000 };
let cluster: RedisCluster | undefined;
let redis: RedisClient;
let conn: Connection;
let client: Client;
let web: WebServer | undefined;
let dir: string;
let runLog: string;
let env: NodeJS.ProcessEnv;
// The hash tag puts every key of the namespace in one slot (refused without it: last tests).
const ns = `{${testNamespace("cluster")}}`;
const slot = keySlot(`${ns}:`);
const procs: Running[] = [];
let sup: Running;
let nextN = 0;

const tally = (from: number, to: number) => tallyRuns(runLog, from, to);
const runCounts = () => readRuns(runLog).count;

/** Enqueues `count` LogRunJobs through the cluster, each batch acknowledged by a replica (the ack option). */
async function enqueue(count: number, args: Record<string, unknown> = {}): Promise<[number, number]> {
  const from = nextN;
  for (const specs of numberedBatches(QUEUE, from, count, args, 500)) await client.enqueueMany(specs);
  nextN += count;
  return [from, nextN];
}

function assertAlive() {
  expect(sup.proc.exitCode, sup.output()).toBeNull();
  expect(sup.output()).not.toMatch(/worker \d+ exited|could not start/);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tsq-cluster-test-"));
  runLog = path.join(dir, "runs.log");
  // A second replica for the namespace's slot: after the kill, the promoted replica still has one
  // to confirm the workers' reservations (REDIS_MIN_REPLICAS_ACK=1 holds jobs without it).
  cluster = await startCluster({ label: "e2e", spareFor: slot });
  env = cliEnv("redis://127.0.0.1:1", ns, {
    QUEUE,
    QUEUE_COUNT: "2",
    WORKER_CONCURRENCY: "4",
    LOCK_TIMEOUT: "5",
    TEST_RUN_LOG: runLog,
    REDIS_MIN_REPLICAS_ACK: "1",
    ...cluster.env,
  });
  delete env.REDIS_URL;
  redis = createClient(redisTargetFromEnv(env), { lazyConnect: false, maxRetriesPerRequest: 100 });
  redis.on("error", () => {});
  conn = new Connection({ redis, namespace: ns, durability: ACK });
  client = new Client({ redis, namespace: ns, durability: ACK });
  sup = startCli(["work"], env);
  procs.push(sup);
  const [w] = await Promise.all([
    startWeb({
      redisUrl: "redis://127.0.0.1:1",
      namespace: ns,
      env: { ...cluster.env, REDIS_MIN_REPLICAS_ACK: "1", REDIS_ACK_TIMEOUT_MS: "2000" },
    }),
    waitFor("8 worker slots", async () => (await redis.scard(conn.keys.workers)) === 8, 90_000),
  ]);
  web = w;
}, 300_000);

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await web?.stop();
  redis?.disconnect();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Redis Cluster", () => {
  it("a job's whole life through the cluster: enqueue, run, fail, retry from the dashboard, delayed, recurring", async () => {
    const [from, to] = await enqueue(50);
    await waitFor("50 jobs to run", () => tally(from, to).lost === 0, 60_000);

    // A failure, then the fix, then the Failed page's Retry (the dashboard's own action).
    const fixed = path.join(dir, "fixed");
    const [failing] = await enqueue(1, { failUnless: fixed });
    await waitFor("the failure", async () => (await redis.llen(conn.keys.failed)) === 1, 60_000);
    writeFileSync(fixed, "");
    const b = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(b.page, web!);
      await b.page.goto(`${web!.url}/failed`);
      const row = b.page.locator("main tr[data-failed-id]").first();
      await row.getByText("LogRunJob").waitFor();
      await row.getByRole("button", { name: "Details" }).click();
      const details = b.page.locator("main tr[data-failed-details]");
      await details.getByRole("button", { name: "Retry", exact: true }).click();
      await details.getByRole("button", { name: "Yes, do it" }).click();
      // Confirmed by the slot primary's replica (WAIT sent to that primary): a plain success.
      await b.page.locator("[data-row-result]").getByText("1 job retried.").waitFor();
      expect(b.errors()).toEqual([]);
    } finally {
      await b.close();
    }
    await waitFor("the retried job to run", () => runCounts().get(failing) === 1, 60_000);

    // Delayed: moved by the scheduler's Lua script on the cluster.
    const delayed = nextN++;
    await client.enqueueIn(1, QUEUE, "LogRunJob", { n: delayed });
    await waitFor("the delayed job to run", () => runCounts().get(delayed) === 1, 60_000);

    // Recurring: fired by the leader scheduler into a queue no worker takes, so firings can be counted.
    await saveSchedule(conn, { name: "every-second", className: "LogRunJob", every: "1s", queue: "ticks" });
    await waitFor("two firings", async () => (await redis.llen(conn.keys.queue("ticks"))) >= 2, 60_000);
    expect(await setScheduleEnabled(conn, "every-second", false)).toBe(true);

    // The other scripts, each against the cluster: a key outside the namespace's slot would fail
    // it ("non local key" / CROSSSLOT). A retry policy (retry-job), a text search of the failed
    // list (failed-grep), a delayed item moved now and one removed (delayed-item,
    // delayed-remove-match), a queued job removed (remove-queued), a worker unregistered
    // (unregister-worker), a history sample (history-sample).
    await client.enqueue(QUEUE, "RetryOnceJob", {});
    await waitFor(
      "the retried attempt to fail",
      async () => (await listFailed(conn, { filter: { text: "failing on purpose" } })).total === 1,
      60_000,
    );
    await client.enqueueIn(3600, "parked", "LogRunJob", { n: -1 });
    await client.enqueueIn(3600, "parked", "LogRunJob", { n: -2 });
    expect(await client.removeDelayed("parked", "LogRunJob", { n: -2 })).toBe(1);
    const [parked] = (await searchDelayed(conn, "parked")).items;
    await enqueueDelayedItemNow(conn, parked!.timestamp, parked!.raw);
    const [queued] = (await peekQueue(conn, "parked")).items;
    expect(await removeQueuedJob(conn, "parked", queued!.raw)).toBe(true);
    await registerWorker(conn, "gone:1:parked");
    await unregisterWorker(conn, "gone:1:parked");
    await sampleHistory(conn);

    // Everything above is in the namespace's one slot, on its one primary.
    const owner = await cluster!.ownerOf(slot);
    const direct = cluster!.direct(owner!);
    try {
      expect(await direct.call("CLUSTER", "COUNTKEYSINSLOT", String(slot))).toBeGreaterThan(5);
      expect(await direct.exists(conn.keys.queue("ticks"), conn.keys.failed, conn.keys.statProcessed)).toBe(3);
    } finally {
      direct.disconnect();
    }
    // The dashboard's INFO and key browser read that primary (SCAN and INFO name no key: a
    // cluster client would send them to any node).
    const stats = await getJson<{ info: Record<string, Record<string, string>> }>(web!, "/api/stats");
    expect(stats.body.info.server?.tcp_port).toBe(String(owner));
    const keys = await getJson<{ keys: { key: string }[] }>(web!, "/api/keys?per=100");
    expect(keys.body.keys.map((k) => k.key)).toEqual(
      expect.arrayContaining([conn.keys.queue("ticks"), conn.keys.statProcessed, conn.keys.persistentSchedules]),
    );
    assertAlive();
  }, 240_000);

  it("the slot's primary SIGKILLed mid-drain: its replica takes over, jobs flow again without a restart, 0 acknowledged jobs lost, none run twice", async () => {
    const [from, to] = await enqueue(3000, { ms: 2 });
    await waitFor("the drain to be under way", async () => (await redis.llen(conn.keys.queue(QUEUE))) < 2500, 60_000);
    const stats = async () => {
      try {
        const r = await fetch(`${web!.url}/api/stats`, { headers: { authorization: `Bearer ${web!.apiToken}` } });
        return { status: r.status, body: (await r.json()) as { error?: string } };
      } catch (e) {
        return { status: 0, body: { error: (e as Error).message } };
      }
    };
    const seen: Awaited<ReturnType<typeof stats>>[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) seen.push(await stats());
    })();
    let f: Awaited<ReturnType<RedisCluster["killOwnerOf"]>>;
    let ping: Running | undefined;
    try {
      f = await cluster!.killOwnerOf(slot, () => {
        ping = startCli(["ping"], env);
        procs.push(ping);
      });
      await waitFor("every acknowledged job to run", () => tally(from, to).lost === 0, 120_000);
      await waitFor("the dashboard to answer", async () => (await stats()).status === 200, 60_000);
    } finally {
      polling = false;
      await poller;
    }
    const resume = resumeMs(runLog, f.promotedAt);
    const t = tally(from, to);
    console.log(
      `[cluster] primary death → replica serves the slot ${f.promotedAt - f.killedAt} ms; ` +
        `→ first job finished on it ${resume ?? "?"} ms; lost ${t.lost} of ${to - from}, ran twice ${t.twice}`,
    );
    expect(t.lost).toBe(0);
    // The workers run with the option too: a job starts only once a replica has its reservation.
    expect(t.twice).toBe(0);
    expect(resume).toBeDefined();
    // Never a raw driver error or a 500 while the slot moved: 200, or 503 "switching".
    expect(
      seen.filter((s) => s.status !== 200 && s.status !== 503),
      web!
        .output()
        .split("\n")
        .filter((l) => /route\.error|Error/.test(l))
        .slice(0, 5)
        .join("\n"),
    ).toEqual([]);
    for (const s of seen.filter((x) => x.status === 503)) expect(s.body.error).toMatch(/^Redis is switching/);
    assertAlive();

    // A CLI command started right after the kill: it waits out the switch (when its start-up did
    // not outlast it on a loaded machine), then answers; a later one names the new primary.
    expect((await ping!.exited).code, ping!.output()).toBe(0);
    const met = /Redis is switching to a new primary .*waiting for it…/.test(ping!.output());
    console.log(`[cluster] CLI during the failover: ${met ? "said it was waiting, then ran" : "started after it"}`);
    const later = startCli(["ping"], env);
    procs.push(later);
    expect((await later.exited).code, later.output()).toBe(0);
    expect(later.output().trim()).toBe(
      `Redis answers: Redis Cluster via ${cluster!.env.REDIS_CLUSTER}, namespace's primary now 127.0.0.1:${f.newPort}`,
    );
  }, 300_000);

  it("bad configuration: one clear line and exit 1 (a namespace without a hash tag: CLI and web; a node list nobody answers)", async () => {
    const run = async (args: string[], extra: Record<string, string>) => {
      const p = startCli(args, { ...env, ...extra });
      procs.push(p);
      const { code } = await p.exited;
      return { code, out: p.output().trim() };
    };
    for (const args of [["work"], ["ping"]]) {
      const untagged = await run(args, { RESQUE_NAMESPACE: "resque" });
      expect(untagged.code).toBe(1);
      expect(untagged.out).toBe(
        "error: On a Redis Cluster the namespace must carry a hash tag so that all its keys live in one slot: " +
          'set RESQUE_NAMESPACE={resque} (now "resque")',
      );
    }
    // The web server too, from instrumentation.ts (spawned: what matters is the exit, not a page).
    const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(await freePort()), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...env, RESQUE_NAMESPACE: "resque", NODE_ENV: "production", DATABASE_URL: path.join(dir, "web.db") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let webOut = "";
    child.stdout.on("data", (d: Buffer) => (webOut += d.toString()));
    child.stderr.on("data", (d: Buffer) => (webOut += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const webCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    expect(webCode, webOut).toBe(1);
    expect(webOut).toContain(
      'error: On a Redis Cluster the namespace must carry a hash tag so that all its keys live in one slot: set RESQUE_NAMESPACE={resque} (now "resque")\n',
    );

    const none = await run(["ping"], { REDIS_CLUSTER: "127.0.0.1:1,127.0.0.1:2" });
    expect(none.code).toBe(1);
    expect(none.out).toMatch(
      /^error: Cannot reach Redis: none of the nodes in REDIS_CLUSTER \(127\.0\.0\.1:1,127\.0\.0\.1:2\) answers/,
    );
    expect(none.out.split("\n")).toHaveLength(1);
  }, 120_000);

  it("screens: the switching banner names the cluster, en and zh-CN, light and dark, 1280 and 390 px", async () => {
    // Last, as it breaks the cluster: the slot's primary and its replicas all gone, nobody can serve it.
    await cluster!.killSlot(slot);
    const variants = [
      { locale: "en-US", colorScheme: "light", text: "Redis is switching to a new primary" },
      { locale: "zh-CN", colorScheme: "dark", text: "Redis 正在切换到新的主节点" },
    ] as const;
    for (const v of variants) {
      const b = await openBrowser({
        locale: v.locale,
        colorScheme: v.colorScheme,
        viewport: { width: 1280, height: 800 },
      });
      try {
        await signIn(b.page, web!);
        await b.page.goto(web!.url);
        const alert = b.page.getByRole("alert").filter({ hasText: v.text });
        await alert.first().waitFor({ timeout: 60_000 });
        expect(await alert.first().textContent()).toMatch(/Redis Cluster via 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+/);
        const name = `redis-cluster-switching-${v.colorScheme}-${v.locale === "zh-CN" ? "zh-CN" : "en"}`;
        await b.screenshot(`${name}-1280`);
        await b.page.setViewportSize({ width: 390, height: 844 });
        await b.screenshot(`${name}-390`);
      } finally {
        await b.close();
      }
    }
  }, 240_000);
});
