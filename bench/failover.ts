/**
 * Following a Sentinel failover, ours vs BullMQ, same set-up, same kill (README: Redis failover).
 *
 * For each system, a fresh Sentinel set (tests/helpers/sentinel.ts: a primary, a replica, three
 * sentinels, down-after-milliseconds 1000): workers with 10 slots drain N jobs of 2 ms each (on
 * the replica before the drain starts: WAIT 1) while a producer keeps enqueuing one job at a
 * time. When a third has run, the replica is cut off from the primary (helper cutReplication: as a
 * network partition would) for CUT_MS, during which the primary goes on acknowledging writes the
 * replica never gets; then the primary is SIGKILLed and the replica promoted. Measured: primary
 * death → promotion, promotion → the first job finished that started after it (so was taken from
 * the new primary), and, of the jobs the producers were told were stored, those lost and those run
 * twice, from a record of runs kept outside Redis. The old primary then comes back as a replica.
 * Enqueues refused with NotReplicatedError were
 * never acknowledged: counted apart, not as lost.
 *
 * Ours runs as production does: `node dist/workers/cli.mjs work` with REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME only, once with REDIS_MIN_REPLICAS_ACK=0 (the default) and once with 1 (the
 * workers and the producer). BullMQ (one Worker, concurrency 10, in this process, on ioredis's
 * Sentinel options) has no option that waits for replicas: no WAIT in its API or its options.
 * One failover per row: the figures are rough, more so on a shared, loaded machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { Client, NotReplicatedError } from "../lib/resque/index.js";
import { createRedis, durabilityFromEnv, redisTargetFromEnv } from "../lib/redis.js";
import { startSentinelSet, SENTINEL_MASTER, type SentinelSet } from "../tests/helpers/sentinel.js";
import { cliEnv, startCli } from "../tests/helpers/processes.js";
import { readRuns, type Run } from "../tests/helpers/run-log.js";
import { waitFor } from "../tests/helpers/wait.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.BENCH_FAILOVER_JOBS ?? 3000);
const JOB_MS = 2;
const SLOTS = 10;
/** How long the replica is cut off before the kill: the writes of that window are what a failover can lose. */
const CUT_MS = 1000;

interface Result {
  system: string;
  promotionMs: number;
  resumeMs: number | null;
  acknowledged: number;
  lost: number;
  twice: number;
  refused: number | null;
}

/** Enqueues one job at a time (n from N up) until stopped, sorting each into acknowledged or refused. */
function producer(enqueue: (n: number) => Promise<unknown>) {
  const p = { acked: [] as number[], refused: 0, stop: async () => {} };
  let on = true;
  const loop = (async () => {
    for (let n = N; on; n++) {
      try {
        await enqueue(n);
        p.acked.push(n);
      } catch (e) {
        if (e instanceof NotReplicatedError) p.refused++; // told "not stored on a replica": not acknowledged
      }
    }
  })();
  p.stop = async () => {
    on = false;
    await loop;
  };
  return p;
}

type Producer = ReturnType<typeof producer>;

/**
 * The same recipe for every system: when a third of the first N jobs ran, cut the replica off for
 * CUT_MS, SIGKILL the primary, let the sentinels promote the replica; stop producing once they have.
 */
async function failover(set: SentinelSet, runs: () => Run[], prod: Producer) {
  await waitFor("a third of the jobs", () => runs().length >= N / 3, 120_000);
  const primary = await set.primaryPort();
  const replica = set.serverPorts.find((p) => p !== primary)!;
  await set.cutReplication(replica);
  await new Promise((r) => setTimeout(r, CUT_MS));
  const f = await set.killPrimary();
  await set.healReplication(replica);
  await prod.stop();
  // The old primary comes back as the new one's replica, as in the e2e test: with
  // REDIS_MIN_REPLICAS_ACK=1 our workers start a job only once a replica has its reservation, and
  // the promoted server has no replica until then (the others do not wait for it).
  await set.restartAsReplica(f.oldPort);
  return f;
}

function measure(
  system: string,
  runs: Run[],
  prod: Producer,
  f: { killedAt: number; promotedAt: number },
  refusable: boolean,
): Result {
  const count = new Map<number, number>();
  for (const r of runs) count.set(r.n, (count.get(r.n) ?? 0) + 1);
  const acked = [...Array.from({ length: N }, (_, n) => n), ...prod.acked];
  const after = runs.filter((r) => r.start >= f.promotedAt);
  return {
    system,
    promotionMs: f.promotedAt - f.killedAt,
    resumeMs: after.length ? Math.min(...after.map((r) => r.end)) - f.promotedAt : null,
    acknowledged: acked.length,
    lost: acked.filter((n) => !count.has(n)).length,
    twice: acked.filter((n) => (count.get(n) ?? 0) > 1).length,
    refused: refusable ? prod.refused : null,
  };
}

/**
 * Waits until every acknowledged job ran, or until nothing new ran for `quietMs` (then the rest is
 * lost). BullMQ gets 35 s: a job active on the promoted replica is handed back by its stalled-job
 * check, every 30 s by default; ours hands such a job back at the worker's next reserve.
 */
async function drained(runs: () => Run[], prod: Producer, quietMs: number) {
  const want = N + prod.acked.length;
  let last = -1;
  let since = Date.now();
  await waitFor(
    "the drain to end",
    () => {
      const done = new Set(runs().map((r) => r.n)).size;
      if (done !== last) [last, since] = [done, Date.now()];
      return done >= want || Date.now() - since > quietMs;
    },
    600_000,
  );
}

async function ours(set: SentinelSet, dir: string, minReplicas: number): Promise<Result> {
  const log = path.join(dir, `ours-${minReplicas}.log`);
  const env = cliEnv("", "failover", {
    ...set.env,
    QUEUE: "failover",
    QUEUE_COUNT: "1",
    WORKER_CONCURRENCY: String(SLOTS),
    APP_INCLUDE: path.join(ROOT, "bench", "lib", "failover-jobs.mjs"),
    BENCH_RUN_LOG: log,
    REDIS_MIN_REPLICAS_ACK: String(minReplicas),
  });
  delete env.REDIS_URL;
  const runs = (): Run[] => readRuns(log).list;
  const redis: Redis = createRedis(redisTargetFromEnv(env), { lazyConnect: false, maxRetriesPerRequest: 100 });
  redis.on("error", () => {});
  const client = new Client({ redis, namespace: "failover", durability: durabilityFromEnv(env) });
  const sup = startCli(["work"], env);
  try {
    await waitFor("our workers", async () => (await redis.scard("failover:workers")) === SLOTS, 120_000);
    for (let i = 0; i < N; i += 1000)
      await client.enqueueMany(
        Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({
          queue: "failover",
          class: "FailoverJob",
          args: { n: i + k, ms: JOB_MS },
        })),
      );
    await redis.call("WAIT", "1", "10000");
    const prod = producer((n) => client.enqueue("failover", "FailoverJob", { n, ms: JOB_MS }));
    const f = await failover(set, runs, prod);
    await drained(runs, prod, 15_000);
    return measure(`ours, REDIS_MIN_REPLICAS_ACK=${minReplicas}`, runs(), prod, f, minReplicas > 0);
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
    const prod = producer((n) => queue.add("FailoverJob", { n }));
    const f = await failover(set, () => runs, prod);
    await drained(() => runs, prod, 35_000);
    return measure("BullMQ (no replica-ack option)", runs, prod, f, false);
  } finally {
    await Promise.race([Promise.all([worker.close(true), queue.close()]), new Promise((r) => setTimeout(r, 5000))]);
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-failover-"));
  const results: Result[] = [];
  try {
    // BENCH_FAILOVER_SYSTEMS=ours-1 (comma-separated names) runs only those.
    const only = process.env.BENCH_FAILOVER_SYSTEMS?.split(",");
    for (const [name, run] of (
      [
        ["ours-0", (s: SentinelSet) => ours(s, dir, 0)],
        ["ours-1", (s: SentinelSet) => ours(s, dir, 1)],
        ["bullmq", bullmq],
      ] as const
    ).filter(([n]) => !only || only.includes(n))) {
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
    `\nRedis failover (Sentinel, down-after-milliseconds 1000; ${N} jobs of ${JOB_MS} ms, ${SLOTS} slots, and a producer ` +
      `enqueuing one at a time; after a third, the replica cut off for ${CUT_MS} ms, then the primary SIGKILLed)`,
  );
  console.log(
    "| system | death → promotion | promotion → first job finished | acknowledged | lost | ran twice | refused (not stored on a replica) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results)
    console.log(
      `| ${r.system} | ${(r.promotionMs / 1000).toFixed(1)} s | ${r.resumeMs === null ? "never" : `${(r.resumeMs / 1000).toFixed(2)} s`} | ` +
        `${r.acknowledged} | ${r.lost} | ${r.twice} | ${r.refused ?? "—"} |`,
    );
  process.exit(0);
}

await main();
