/**
 * `npm run bench` (part): what the durability option (`REDIS_MIN_REPLICAS_ACK=1`) costs, against
 * the same work without it, in the same run, on a private primary with one replica on loopback.
 *
 * 1. Bulk enqueue: `Client.enqueueMany`, 1,000 jobs per call (one WAIT per call with the option).
 * 2. No-op drain, one in-process Worker, concurrency 1 and 10 (one WAIT per loop turn).
 * 3. One-at-a-time enqueue by one caller awaiting each (one WAIT per job: nothing to batch), and
 *    by 50 callers at once, as a web server's requests come (they share WAITs).
 *
 * The two arms alternate within each repetition (which goes first alternates too), so load on
 * the machine falls on both. Prints JSON lines and writes bench/.out/durability.md.
 * Env: BENCH_SCALE, BENCH_REPS; BENCH_SCENARIOS without `durability` skips it; BENCH_DURABILITY
 * (names, comma-separated: bulk, drain-c1, drain-c10, one, one-c50) runs only those.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { BaseJob, Client, JobRegistry, Worker, waitsSent, type DurabilityOptions } from "../lib/resque/index.js";
import { startReplicated } from "../tests/helpers/replicated.js";
import { median } from "./lib/common.js";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), ".out");
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const scaled = (n: number, min: number) => Math.max(min, Math.round(n * SCALE));
const N = { bulk: scaled(100_000, 2_000), drain: scaled(20_000, 1_000), one: scaled(5_000, 500) };

const OFF: DurabilityOptions = { minReplicas: 0, timeoutMs: 1000 };
const ON: DurabilityOptions = { minReplicas: 1, timeoutMs: 1000 };

const log = (...a: unknown[]) => console.error(`[bench-durability ${new Date().toISOString().slice(11, 19)}]`, ...a);
const fmt = (v: number) => Math.round(v).toLocaleString("en");

class NoopJob extends BaseJob {
  static names = ["NoopJob"];
  perform() {}
}
const registry = new JobRegistry([NoopJob]);

interface Arm {
  rate: number;
  waits: number;
}

/** Runs `measure` with a fresh client per arm (so WAIT counts are the arm's own); returns jobs/s. */
async function timed(url: string, fn: (redis: Redis) => Promise<number>): Promise<Arm> {
  const redis = new Redis(url);
  try {
    const t0 = performance.now();
    const jobs = await fn(redis);
    return { rate: jobs / ((performance.now() - t0) / 1000), waits: waitsSent(redis) };
  } finally {
    redis.disconnect();
  }
}

async function bulk(url: string, ns: string, durability: DurabilityOptions, total: number): Promise<Arm> {
  return timed(url, async (redis) => {
    const c = new Client({ redis, namespace: ns, durability });
    for (let i = 0; i < total; i += 1000) {
      const n = Math.min(1000, total - i);
      await c.enqueueMany(Array.from({ length: n }, (_, j) => ({ queue: "q", class: "NoopJob", args: { i: i + j } })));
    }
    return total;
  });
}

async function one(url: string, ns: string, durability: DurabilityOptions, total: number): Promise<Arm> {
  return timed(url, async (redis) => {
    const c = new Client({ redis, namespace: ns, durability });
    for (let i = 0; i < total; i++) await c.enqueue("q", "NoopJob", { i });
    return total;
  });
}

/** `total` single enqueues by 50 callers at once (a web server's requests): they share WAITs. */
async function oneConcurrent(url: string, ns: string, durability: DurabilityOptions, total: number): Promise<Arm> {
  return timed(url, async (redis) => {
    const c = new Client({ redis, namespace: ns, durability });
    let next = 0;
    const caller = async () => {
      while (next < total) await c.enqueue("q", "NoopJob", { i: next++ });
    };
    await Promise.all(Array.from({ length: 50 }, caller));
    return total;
  });
}

async function drain(
  url: string,
  ns: string,
  durability: DurabilityOptions,
  concurrency: number,
  total: number,
): Promise<Arm> {
  const seed = new Redis(url);
  await new Client({ redis: seed, namespace: ns }).enqueueMany(
    Array.from({ length: total }, (_, i) => ({ queue: "q", class: "NoopJob", args: { i } })),
  );
  seed.disconnect();
  return timed(url, async (redis) => {
    const worker = new Worker({
      redis,
      namespace: ns,
      registry,
      queues: ["q"],
      intervalSec: 5,
      pruneOnStart: false,
      concurrency,
      durability,
    });
    let done = 0;
    const all = new Promise<void>((resolve) => worker.on("success", () => ++done === total && resolve()));
    worker.on("error", (e) => log("worker error:", e.message));
    worker.on("problem", (m) => log("worker problem:", m));
    await worker.start();
    await all;
    await worker.stop(); // the last finishes (and, with the option, their WAIT) are part of the time
    return total;
  });
}

async function main() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(",").includes("durability")) return;
  const rs = await startReplicated();
  process.once("SIGINT", () => void rs.stop().then(() => process.exit(130)));
  const admin = new Redis(rs.primary.url);
  const scenarios: {
    name: string;
    label: string;
    n: number;
    run: (ns: string, d: DurabilityOptions, n: number) => Promise<Arm>;
  }[] = [
    {
      name: "bulk",
      label: "bulk enqueue, 1,000 per call",
      n: N.bulk,
      run: (ns, d, n) => bulk(rs.primary.url, ns, d, n),
    },
    {
      name: "drain-c1",
      label: "no-op drain, one worker, concurrency 1",
      n: N.drain,
      run: (ns, d, n) => drain(rs.primary.url, ns, d, 1, n),
    },
    {
      name: "drain-c10",
      label: "no-op drain, one worker, concurrency 10",
      n: N.drain,
      run: (ns, d, n) => drain(rs.primary.url, ns, d, 10, n),
    },
    {
      name: "one",
      label: "enqueue one at a time, one caller",
      n: N.one,
      run: (ns, d, n) => one(rs.primary.url, ns, d, n),
    },
    {
      name: "one-c50",
      label: "enqueue one at a time, 50 callers at once",
      n: N.one * 4,
      run: (ns, d, n) => oneConcurrent(rs.primary.url, ns, d, n),
    },
  ];
  const rows: string[] = [];
  try {
    const only = process.env.BENCH_DURABILITY?.split(",");
    for (const sc of scenarios.filter((x) => !only || only.includes(x.name))) {
      const off: Arm[] = [];
      const on: Arm[] = [];
      // Warm-up, not recorded: the first arm to run would otherwise also pay for JIT compilation.
      for (const d of [OFF, ON]) await sc.run(`bench-dur-${sc.name}-warm`, d, Math.ceil(sc.n / 5));
      await admin.flushall();
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 ? (["on", "off"] as const) : (["off", "on"] as const);
        for (const arm of order) {
          const r = await sc.run(`bench-dur-${sc.name}-${arm}-${rep}`, arm === "on" ? ON : OFF, sc.n);
          (arm === "on" ? on : off).push(r);
          await admin.flushall();
        }
      }
      const vOff = median(off.map((a) => a.rate));
      const vOn = median(on.map((a) => a.rate));
      const waits = median(on.map((a) => a.waits));
      const ratio = vOn / vOff;
      for (const [system, arms] of [
        ["ack=0", off],
        ["ack=1", on],
      ] as const)
        console.log(
          JSON.stringify({
            scenario: `durability-${sc.name}`,
            system,
            value: Math.round(median(arms.map((a) => a.rate))),
            unit: "jobs/s",
            runs: arms.map((a) => Math.round(a.rate)),
            waits: arms.map((a) => a.waits),
            n: sc.n,
          }),
        );
      rows.push(
        `| ${sc.label} (N=${sc.n.toLocaleString("en")}) | ${fmt(vOff)} | ${fmt(vOn)} | ${ratio.toFixed(2)}× | ${fmt(waits)} |`,
      );
      log(`${sc.name}: ${fmt(vOff)} vs ${fmt(vOn)} jobs/s (${ratio.toFixed(2)}×, ${waits} WAITs)`);
    }
  } finally {
    admin.disconnect();
    await rs.stop();
  }
  const md = [
    `Durability option, primary + 1 replica on loopback, median of ${REPS} (jobs/s):`,
    "",
    "| scenario | REDIS_MIN_REPLICAS_ACK=0 | =1 | ratio | WAITs with =1 |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n");
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, "durability.md"), md);
  console.error("\n" + md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
