/**
 * `npm run bench` (second part): the scheduler, on a private redis-server.
 *
 * 1. Moving 100,000 due delayed items to their queues (items/s), through `promoteDueItems` —
 *    the same call the leader scheduler makes each tick — for two batch sizes.
 * 2. The scheduler's extra latency: the production scheduler process (`dist/workers/cli.mjs
 *    scheduler`) runs; items are scheduled for whole seconds over the next ~20 s; a separate
 *    connection BLPOPs the queue and records arrival − due time. p50/p95/p99.
 *
 * Prints JSON lines and writes bench/.out/scheduler.md. Env: BENCH_SCALE, BENCH_REPS.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { Connection, encodeDelayedItem, promoteDueItems } from "../lib/resque/index.js";
import { startRedisServer } from "../tests/helpers/redis-server.js";
import { median } from "./lib/common.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const ITEMS = Math.max(1000, Math.round(100_000 * SCALE));
const LATENCY_SECONDS = Math.max(5, Math.round(20 * SCALE));
const PER_SECOND = 10;

const log = (...a: unknown[]) => console.error(`[bench-scheduler ${new Date().toISOString().slice(11, 19)}]`, ...a);
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Seeds `n` due items over 1,000 past timestamps in resque-scheduler's layout, pipelined. */
async function seedDue(redis: Redis, conn: Connection, n: number) {
  const k = conn.keys;
  const base = Math.floor(Date.now() / 1000) - 5000;
  for (let start = 0; start < n; start += 10_000) {
    const pipe = redis.pipeline();
    for (let i = start; i < Math.min(n, start + 10_000); i++) {
      const ts = base + (i % 1000);
      const item = encodeDelayedItem("NoopJob", [{ i }], "moved");
      pipe
        .rpush(k.delayed(ts), item)
        .sadd(k.timestamps(item), "delayed:" + ts)
        .zadd(k.delayedSchedule, ts, String(ts));
    }
    await pipe.exec();
  }
}

async function main() {
  const server = await startRedisServer();
  const stop = async () => server.stop();
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  const redis = new Redis(server.url);
  const rows: string[] = [];
  try {
    for (const batchSize of [100, 500]) {
      const rates: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const ns = `bench-move-${batchSize}-${rep}`;
        const conn = new Connection({ redis, namespace: ns });
        await seedDue(redis, conn, ITEMS);
        const t0 = performance.now();
        const moved = await promoteDueItems(conn, { batchSize });
        const sec = (performance.now() - t0) / 1000;
        if (moved !== ITEMS) throw new Error(`moved ${moved} of ${ITEMS}`);
        if ((await redis.llen(conn.keys.queue("moved"))) !== ITEMS) throw new Error("queue length mismatch");
        rates.push(ITEMS / sec);
        await redis.flushall();
      }
      const value = median(rates);
      emit({
        scenario: "delayed-move",
        system: "ours",
        batchSize,
        value: Math.round(value),
        unit: "items/s",
        min: Math.round(Math.min(...rates)),
        max: Math.round(Math.max(...rates)),
        n: ITEMS,
      });
      rows.push(
        `| move ${ITEMS.toLocaleString("en")} due delayed items, batch ${batchSize} | items/s | ${Math.round(value).toLocaleString("en")} (${Math.round(Math.min(...rates)).toLocaleString("en")}–${Math.round(Math.max(...rates)).toLocaleString("en")}) |`,
      );
      log(`moved ${ITEMS} items, batch ${batchSize}: ${Math.round(value)} items/s`);
    }

    // Latency: the production scheduler process, due items arriving at whole seconds.
    const ns = "bench-latency";
    const conn = new Connection({ redis, namespace: ns });
    const child = spawn(process.execPath, [path.join(ROOT, "dist", "workers", "cli.mjs"), "scheduler"], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: server.url, RESQUE_NAMESPACE: ns },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      const deadline = Date.now() + 30_000;
      while ((await redis.get(conn.keys.schedulerMasterLock)) === null) {
        if (Date.now() > deadline) throw new Error("scheduler did not become leader");
        await new Promise((r) => setTimeout(r, 50));
      }
      const first = Math.floor(Date.now() / 1000) + 2;
      const pipe = redis.multi();
      for (let s = 0; s < LATENCY_SECONDS; s++) {
        for (let j = 0; j < PER_SECOND; j++) {
          const ts = first + s;
          const item = encodeDelayedItem("NoopJob", [{ due: ts, j }], "lat");
          pipe
            .rpush(conn.keys.delayed(ts), item)
            .sadd(conn.keys.timestamps(item), "delayed:" + ts)
            .zadd(conn.keys.delayedSchedule, ts, String(ts));
        }
      }
      await pipe.exec();
      const blocker = redis.duplicate();
      const lat: number[] = [];
      while (lat.length < LATENCY_SECONDS * PER_SECOND) {
        const got = await blocker.blpop(conn.keys.queue("lat"), 10);
        if (!got) throw new Error("no item arrived within 10 s");
        const arrived = Date.now();
        const due = (JSON.parse(got[1]) as { args: [{ due: number }] }).args[0].due;
        lat.push(arrived - due * 1000);
      }
      blocker.disconnect();
      const [p50, p95, p99] = [50, 95, 99].map((p) => pct(lat, p));
      emit({ scenario: "scheduler-latency", system: "ours", p50, p95, p99, unit: "ms", samples: lat.length });
      rows.push(
        `| scheduler extra latency, due → in queue (${lat.length} items over ${LATENCY_SECONDS} s) | ms p50 / p95 / p99 | ${p50} / ${p95} / ${p99} |`,
      );
      log(`latency p50 ${p50} ms, p99 ${p99} ms`);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  } finally {
    redis.disconnect();
    await stop();
  }
  const md = ["| scheduler scenario | unit | ours |", "| --- | --- | ---: |", ...rows].join("\n");
  mkdirSync(path.join(ROOT, "bench", ".out"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench", ".out", "scheduler.md"), md + "\n");
  console.error("\n" + md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
