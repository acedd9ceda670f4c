/**
 * Following a Sentinel failover, ours vs BullMQ, same set-up, same kill (README: Redis failover).
 *
 * For each system, a fresh Sentinel set (tests/helpers/sentinel.ts: a primary, a replica, three
 * sentinels, down-after-milliseconds 1000): workers with 10 slots drain N jobs of 2 ms each;
 * when a third has run, the primary is SIGKILLed. Measured: primary death → promotion (the
 * sentinels name the replica), promotion → the first job finished that started after it (so was
 * taken from the new primary), and jobs lost or run twice, from a record of runs kept outside Redis.
 *
 * Ours runs as production does: `node dist/workers/cli.mjs work` with REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME only. BullMQ runs one Worker (concurrency 10) in this process on ioredis's
 * Sentinel options. Jobs are on the replica before the kill (WAIT 1), so a loss is the system's.
 * One failover per system: the figures are rough, more so on a shared, loaded machine.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import { Client } from "../lib/resque/index.js";
import { createRedis, redisTargetFromEnv } from "../lib/redis.js";
import { startSentinelSet, SENTINEL_MASTER, type SentinelSet } from "../tests/helpers/sentinel.js";
import { cliEnv, startCli } from "../tests/helpers/processes.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.BENCH_FAILOVER_JOBS ?? 3000);
const JOB_MS = 2;
const SLOTS = 10;

interface Run {
  n: number;
  start: number;
  end: number;
}

interface Result {
  system: string;
  promotionMs: number;
  resumeMs: number | null;
  lost: number;
  twice: number;
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 120_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function measure(system: string, runs: Run[], f: { killedAt: number; promotedAt: number }): Result {
  const count = new Map<number, number>();
  for (const r of runs) count.set(r.n, (count.get(r.n) ?? 0) + 1);
  let lost = 0;
  let twice = 0;
  for (let n = 0; n < N; n++) {
    const c = count.get(n) ?? 0;
    if (c === 0) lost++;
    if (c > 1) twice++;
  }
  const after = runs.filter((r) => r.start >= f.promotedAt);
  return {
    system,
    promotionMs: f.promotedAt - f.killedAt,
    resumeMs: after.length ? Math.min(...after.map((r) => r.end)) - f.promotedAt : null,
    lost,
    twice,
  };
}

/** Waits until every job ran, or until nothing new ran for `quietMs` after the promotion (then the rest is lost). */
async function drained(runs: () => Run[]) {
  let last = -1;
  let since = Date.now();
  await until("the drain to end", () => {
    const done = new Set(runs().map((r) => r.n)).size;
    if (done !== last) [last, since] = [done, Date.now()];
    return done >= N || Date.now() - since > 15_000;
  });
}

async function ours(set: SentinelSet, dir: string): Promise<Result> {
  const log = path.join(dir, "ours.log");
  const env = cliEnv("", "failover", {
    ...set.env,
    QUEUE: "failover",
    QUEUE_COUNT: "1",
    WORKER_CONCURRENCY: String(SLOTS),
    APP_INCLUDE: path.join(ROOT, "bench", "lib", "failover-jobs.mjs"),
    BENCH_RUN_LOG: log,
  });
  delete env.REDIS_URL;
  const runs = (): Run[] =>
    (existsSync(log) ? readFileSync(log, "utf8") : "")
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [n, start, end] = l.split(" ").map(Number) as [number, number, number];
        return { n, start, end };
      });
  const redis = createRedis(redisTargetFromEnv(env), { lazyConnect: false, maxRetriesPerRequest: 100 });
  redis.on("error", () => {});
  const sup = startCli(["work"], env);
  try {
    await until("our workers", async () => (await redis.scard("failover:workers")) === SLOTS);
    const client = new Client({ redis, namespace: "failover" });
    for (let i = 0; i < N; i += 1000)
      await client.enqueueMany(
        Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({
          queue: "failover",
          class: "FailoverJob",
          args: { n: i + k, ms: JOB_MS },
        })),
      );
    await redis.call("WAIT", "1", "10000");
    await until("a third of the jobs", () => runs().length >= N / 3);
    const f = await set.killPrimary();
    await drained(runs);
    return measure("ours (resque-admin)", runs(), f);
  } finally {
    sup.kill("SIGKILL");
    redis.disconnect();
  }
}

async function bullmq(set: SentinelSet): Promise<Result> {
  const connection = {
    sentinels: set.sentinelPorts.map((port) => ({ host: "127.0.0.1", port })),
    name: SENTINEL_MASTER,
    maxRetriesPerRequest: null,
  };
  const runs: Run[] = [];
  const queue = new Queue("failover", { connection });
  const worker = new Worker(
    "failover",
    async (job) => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, JOB_MS));
      runs.push({ n: (job.data as { n: number }).n, start, end: Date.now() });
    },
    { connection, concurrency: SLOTS, removeOnComplete: { count: 0 }, autorun: false },
  );
  worker.on("error", () => {}); // reconnects on its own; the figures say what it cost
  queue.on("error", () => {});
  try {
    for (let i = 0; i < N; i += 1000)
      await queue.addBulk(
        Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ name: "FailoverJob", data: { n: i + k } })),
      );
    const admin = set.direct(await set.primaryPort());
    await admin.call("WAIT", "1", "10000");
    admin.disconnect();
    void worker.run();
    await until("a third of the jobs", () => runs.length >= N / 3);
    const f = await set.killPrimary();
    await drained(() => runs);
    return measure("BullMQ", runs, f);
  } finally {
    await Promise.race([Promise.all([worker.close(true), queue.close()]), new Promise((r) => setTimeout(r, 5000))]);
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-failover-"));
  const results: Result[] = [];
  try {
    for (const [name, run] of [
      ["ours", (s: SentinelSet) => ours(s, dir)],
      ["bullmq", bullmq],
    ] as const) {
      const set = await startSentinelSet({ label: `bench-${name}` });
      try {
        results.push(await run(set));
      } finally {
        await set.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nRedis failover (Sentinel, down-after-milliseconds 1000; ${N} jobs of ${JOB_MS} ms, ${SLOTS} slots; primary SIGKILLed after a third)`,
  );
  console.log("| system | death → promotion | promotion → first job finished | lost | ran twice |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of results)
    console.log(
      `| ${r.system} | ${(r.promotionMs / 1000).toFixed(1)} s | ${r.resumeMs === null ? "never" : `${(r.resumeMs / 1000).toFixed(2)} s`} | ${r.lost} | ${r.twice} |`,
    );
  process.exit(0);
}

await main();
