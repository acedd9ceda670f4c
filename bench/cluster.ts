/**
 * `npm run bench` (part): Redis Cluster against one redis-server, same run (README: Redis failover).
 *
 * 1. Enqueue + drain: `Client.enqueueMany` (1,000 per call) of N no-op jobs, then one in-process
 *    Worker (concurrency 10) drains them; jobs/s over both. Once on a standalone redis-server, once
 *    through ioredis's Cluster client on three primaries with a replica each
 *    (tests/helpers/cluster.ts), with a hash-tagged namespace, so every key is on one primary.
 *    The arms alternate within each repetition (which goes first alternates too), median of REPS.
 * 2. Failover: the production worker (`node dist/workers/cli.mjs work`, REDIS_CLUSTER only, 10
 *    slots) drains N jobs of 2 ms enqueued with REDIS_MIN_REPLICAS_ACK=1; when a third has run, the
 *    primary holding the namespace's slot is SIGKILLed. Measured: death → the replica serves the
 *    slot (cluster-node-timeout 1000), → the first job finished that started after that, and
 *    jobs lost or run twice (from a record of runs kept outside Redis).
 * One machine, loopback, shared and loaded: the figures are rough. Prints a table and writes
 * bench/.out/cluster.md. Env: BENCH_SCALE, BENCH_REPS, BENCH_FAILOVER_JOBS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BaseJob, Client, isCluster, JobRegistry, keySlot, Worker, type RedisClient } from "../lib/resque/index.js";
import { createClient, redisTargetFromEnv, type RedisTarget } from "../lib/redis.js";
import { startCluster, type RedisCluster } from "../tests/helpers/cluster.js";
import { startRedisServer } from "../tests/helpers/redis-server.js";
import { cliEnv, startCli } from "../tests/helpers/processes.js";
import { readRuns, resumeMs, tallyRuns } from "../tests/helpers/run-log.js";
import { waitFor } from "../tests/helpers/wait.js";
import { median } from "./lib/common.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "bench", ".out");
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const N = Math.max(1000, Math.round(20_000 * SCALE));
const FAILOVER_N = Number(process.env.BENCH_FAILOVER_JOBS ?? 3000);
const SLOTS = 10;

const log = (...a: unknown[]) => console.error(`[bench-cluster ${new Date().toISOString().slice(11, 19)}]`, ...a);
const fmt = (v: number) => Math.round(v).toLocaleString("en");
class NoopJob extends BaseJob {
  static names = ["NoopJob"];
  perform() {}
}
const registry = new JobRegistry([NoopJob]);

/** Enqueue N then drain them with one worker: jobs/s over both. */
async function enqueueDrain(target: RedisTarget, ns: string, total: number): Promise<number> {
  const redis = createClient(target, { lazyConnect: false });
  try {
    const t0 = performance.now();
    const c = new Client({ redis, namespace: ns });
    for (let i = 0; i < total; i += 1000) {
      const n = Math.min(1000, total - i);
      await c.enqueueMany(Array.from({ length: n }, (_, j) => ({ queue: "q", class: "NoopJob", args: { i: i + j } })));
    }
    const worker = new Worker({
      redis,
      namespace: ns,
      registry,
      queues: ["q"],
      intervalSec: 5,
      pruneOnStart: false,
      concurrency: 10,
    });
    let done = 0;
    const all = new Promise<void>((resolve) => worker.on("success", () => ++done === total && resolve()));
    worker.on("error", (e) => log("worker error:", e.message));
    await worker.start();
    await all;
    await worker.stop();
    return (2 * total) / ((performance.now() - t0) / 1000);
  } finally {
    redis.disconnect();
  }
}

async function flush(redis: RedisClient) {
  // On a cluster FLUSHALL is per node: every primary.
  const nodes = isCluster(redis) ? redis.nodes("master") : [redis];
  await Promise.all(nodes.map((n) => n.flushall()));
}

interface Failover {
  promotionMs: number;
  resumeMs: number | null;
  lost: number;
  twice: number;
}

/** The failover's namespace: its slot's primary gets a second replica (see main). */
const FAILOVER_NS = "{failover}";

async function failover(cluster: RedisCluster, dir: string): Promise<Failover> {
  const ns = FAILOVER_NS;
  const runLog = path.join(dir, "runs.log");
  const env = cliEnv("", ns, {
    ...cluster.env,
    QUEUE: "failover",
    QUEUE_COUNT: "1",
    WORKER_CONCURRENCY: String(SLOTS),
    REDIS_MIN_REPLICAS_ACK: "1",
    APP_INCLUDE: path.join(ROOT, "bench", "lib", "failover-jobs.mjs"),
    BENCH_RUN_LOG: runLog,
  });
  delete env.REDIS_URL;
  const redis = createClient(redisTargetFromEnv(env), { lazyConnect: false, maxRetriesPerRequest: 100 });
  redis.on("error", () => {});
  const sup = startCli(["work"], env);
  try {
    await waitFor("our workers", async () => (await redis.scard(`${ns}:workers`)) === SLOTS, 120_000);
    // Acknowledged by the slot primary's replica before the kill: a loss would be the system's.
    const client = new Client({ redis, namespace: ns, durability: { minReplicas: 1, timeoutMs: 5000 } });
    for (let i = 0; i < FAILOVER_N; i += 1000)
      await client.enqueueMany(
        Array.from({ length: Math.min(1000, FAILOVER_N - i) }, (_, k) => ({
          queue: "failover",
          class: "FailoverJob",
          args: { n: i + k, ms: 2 },
        })),
      );
    await waitFor("a third of the jobs", () => readRuns(runLog).list.length >= FAILOVER_N / 3, 120_000);
    const f = await cluster.killOwnerOf(keySlot(`${ns}:`));
    let last = -1;
    let since = Date.now();
    await waitFor(
      "the drain to end",
      () => {
        const done = readRuns(runLog).count.size;
        if (done !== last) [last, since] = [done, Date.now()];
        return done >= FAILOVER_N || Date.now() - since > 15_000;
      },
      120_000,
    );
    const { lost, twice } = tallyRuns(runLog, 0, FAILOVER_N);
    return {
      promotionMs: f.promotedAt - f.killedAt,
      resumeMs: resumeMs(runLog, f.promotedAt) ?? null,
      lost,
      twice,
    };
  } finally {
    sup.kill("SIGKILL");
    redis.disconnect();
  }
}

async function main() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(",").includes("cluster")) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-cluster-"));
  const standalone = await startRedisServer();
  // With REDIS_MIN_REPLICAS_ACK=1 the promoted replica needs a replica of its own to confirm
  // reservations, or the workers hold every job after the kill: the failover slot gets a spare.
  const cluster = await startCluster({ label: "bench", spareFor: keySlot(`${FAILOVER_NS}:`) });
  const targets = {
    standalone: { kind: "url", url: standalone.url } as RedisTarget,
    cluster: redisTargetFromEnv(cluster.env as NodeJS.ProcessEnv),
  };
  const admins = {
    standalone: createClient(targets.standalone, { lazyConnect: false }),
    cluster: createClient(targets.cluster, { lazyConnect: false }),
  };
  const rates = { standalone: [] as number[], cluster: [] as number[] };
  let fo: Failover;
  try {
    // Warm-up, not recorded: the first arm would otherwise also pay for JIT compilation.
    for (const arm of ["standalone", "cluster"] as const) await enqueueDrain(targets[arm], "{warm}", Math.round(N / 5));
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 ? (["cluster", "standalone"] as const) : (["standalone", "cluster"] as const);
      for (const arm of order) {
        await flush(admins[arm]);
        rates[arm].push(await enqueueDrain(targets[arm], `{bench-${rep}}`, N));
        log(`${arm} rep ${rep}: ${fmt(rates[arm].at(-1)!)} jobs/s`);
      }
    }
    fo = await failover(cluster, dir);
  } finally {
    for (const a of Object.values(admins)) a.disconnect();
    await cluster.stop();
    await standalone.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const s = median(rates.standalone);
  const c = median(rates.cluster);
  for (const [system, runs] of Object.entries(rates))
    console.log(
      JSON.stringify({
        scenario: "cluster-enqueue-drain",
        system,
        value: Math.round(median(runs)),
        unit: "jobs/s",
        runs: runs.map(Math.round),
        n: N,
      }),
    );
  console.log(JSON.stringify({ scenario: "cluster-failover", ...fo, jobs: FAILOVER_N }));
  const md = [
    `Redis Cluster (3 primaries + 3 replicas, + 1 spare for the failover slot) vs one redis-server, loopback, median of ${REPS}:`,
    "",
    "| enqueue + drain (N=" + N.toLocaleString("en") + ", 1 worker × 10 slots) | jobs/s | ratio |",
    "| --- | ---: | ---: |",
    `| one redis-server | ${fmt(s)} | 1.00× |`,
    `| Redis Cluster, one hash-tagged namespace | ${fmt(c)} | ${(c / s).toFixed(2)}× |`,
    "",
    `Failover (cluster-node-timeout 1000; ${FAILOVER_N} jobs of 2 ms, ${SLOTS} slots, REDIS_MIN_REPLICAS_ACK=1; the slot's primary SIGKILLed after a third):`,
    "",
    "| death → replica serves the slot | → first job finished on it | lost | ran twice |",
    "| ---: | ---: | ---: | ---: |",
    `| ${(fo.promotionMs / 1000).toFixed(1)} s | ${fo.resumeMs === null ? "never" : `${(fo.resumeMs / 1000).toFixed(2)} s`} | ${fo.lost} | ${fo.twice} |`,
    "",
  ].join("\n");
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, "cluster.md"), md);
  console.error("\n" + md);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
