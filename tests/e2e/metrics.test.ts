/**
 * /metrics, /api/health and /api/ready against `next start`, with a real worker process and a
 * real Prometheus (Debian's `prometheus`, installed by scripts/test.sh) scraping the server every
 * second with the bearer token: after known work, Prometheus's own query API answers the queue
 * size, the failed totals and the duration histogram. Redis is a private redis-server, so the
 * readiness probe can watch it stop and come back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExport, failExport, openDb } from "@/lib/db";
import { Client } from "@/lib/resque";
import { testNamespace, waitFor } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { freePort, startRedisServer, type RedisServer } from "../helpers/redis-server";
import { startWeb, type WebServer } from "../helpers/web";

const TOKEN = "metrics-token-" + "x".repeat(20);

interface Prometheus {
  url: string;
  child: ChildProcess;
  output: () => string;
  dir: string;
}

/** Prometheus on a free loopback port, scraping `target` every second with the token. */
async function startPrometheus(target: string): Promise<Prometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsq-prom-"));
  const config = path.join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "scrape_configs:",
      "  - job_name: resque",
      "    metrics_path: /metrics",
      "    authorization:",
      "      type: Bearer",
      `      credentials: ${TOKEN}`,
      "    static_configs:",
      `      - targets: ["${new URL(target).host}"]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor("prometheus ready", async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${out}`);
    return (await fetch(url + "/-/ready")).ok;
  });
  return { url, child, output: () => out, dir };
}

/** An instant query's single value, or undefined while Prometheus has none. */
async function query(prom: Prometheus, q: string): Promise<number | undefined> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
  const r = body.data?.result ?? [];
  return r.length === 1 ? Number(r[0]!.value[1]) : undefined;
}

describe("metrics and health", () => {
  const namespace = testNamespace("e2e-metrics");
  let server: RedisServer;
  let redis: Redis;
  let web: WebServer;
  let worker: Running;
  let prom: Prometheus | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    web = await startWeb({ redisUrl: server.url, namespace, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    worker?.kill();
    if (worker) await worker.exited;
    if (prom) {
      const exited = new Promise((r) => prom!.child.once("exit", r));
      if (prom.child.exitCode === null) prom.child.kill("SIGTERM");
      await exited;
      rmSync(prom.dir, { recursive: true, force: true });
    }
    await web?.stop();
    redis?.disconnect();
    await server?.stop();
  });

  const scrape = (auth?: string) =>
    fetch(web.url + "/metrics", auth === undefined ? {} : { headers: { authorization: auth } });

  it("refuses /metrics without the token, with a wrong one, and with API_TOKEN while METRICS_TOKEN is set", async () => {
    for (const auth of [undefined, "Bearer wrong-token-wrong-token", `Bearer ${web.apiToken}`, TOKEN]) {
      const res = await scrape(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(await res.text()).not.toContain("resque_");
    }
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    const text = await ok.text();
    expect(text).toMatch(/^resque_redis_up 1$/m);
    expect(text).toMatch(/^# TYPE resque_job_duration_seconds histogram$/m);
  });

  it("Prometheus reads queue size, failed totals and the duration histogram after real work", async () => {
    worker = startCli(["work"], cliEnv(server.url, namespace, { QUEUE: "pm", QUEUE_COUNT: "1", SCHEDULER: "0" }));
    const client = new Client({ redis, namespace });
    for (let n = 0; n < 4; n++) await client.enqueue("pm", "RecordJob", { n });
    for (let n = 0; n < 2; n++) await client.enqueue("pm", "FailJob", { why: `m${n}` });
    await waitFor("jobs settled", async () => (await redis.llen(`${namespace}:failed`)) === 2, 60_000);
    // Nobody works this queue: its size stays 3.
    for (let n = 0; n < 3; n++) await client.enqueue("parked", "RecordJob", { n });
    // One export that failed, in the server's own database.
    const db = openDb(web.databasePath);
    try {
      await failExport(db, (await createExport(db, { admin: null, selection: { ids: [1] } })).id, "disk full");
    } finally {
      await db.destroy();
    }
    prom = await startPrometheus(web.url);
    const expectations: [string, number][] = [
      ['resque_queue_size{queue="parked"}', 3],
      ['resque_queue_size{queue="pm"}', 0],
      ["resque_jobs_failed_total", 2],
      ['resque_worker_jobs_failed_total{queue="pm"}', 2],
      ['resque_worker_class_jobs_failed_total{class="FailJob"}', 2],
      ['resque_worker_class_jobs_processed_total{class="RecordJob"}', 4],
      ['resque_job_duration_seconds_count{class="RecordJob"}', 4],
      ['resque_job_duration_seconds_bucket{class="RecordJob",le="+Inf"}', 4],
      ['resque_job_duration_seconds_count{class="FailJob"}', 2],
      ["resque_failed_jobs", 2],
      ["resque_redis_up", 1],
      ['resque_exports{state="failed"}', 1],
      ['resque_exports{state="running"}', 0],
      ['resque_workers{state="alive"}', 1],
      ['up{job="resque"}', 1],
    ];
    // The last success is finished by the worker's next reserve, which follows at once.
    await waitFor(
      "prometheus has the numbers",
      async () => {
        for (const [q, want] of expectations) if ((await query(prom!, q)) !== want) return false;
        return true;
      },
      60_000,
      250,
    ).catch(async (e) => {
      const got = await Promise.all(expectations.map(async ([q]) => `${q} = ${await query(prom!, q)}`));
      throw new Error(`${(e as Error).message}\n${got.join("\n")}\n${prom!.output().slice(-2000)}`);
    });
  });

  it("health answers while Redis is down; ready names Redis until it is back", async () => {
    const get = async (p: string) => {
      const res = await fetch(web.url + p);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await get("/api/health")).toEqual({ status: 200, body: { status: "up" } });
    expect(await get("/api/ready")).toEqual({ status: 200, body: { status: "up" } });
    await server.halt();
    try {
      expect(await get("/api/health")).toEqual({ status: 200, body: { status: "up" } });
      await waitFor("ready reports redis down", async () => {
        const r = await get("/api/ready");
        return r.status === 503 && JSON.stringify(r.body) === '{"status":"down","down":["redis"]}';
      });
      // Waited on: a read shared with Prometheus's last scrape (JSON_SHARE_MS) may predate the stop.
      await waitFor("a scrape saying redis is down", async () => {
        const down = await scrape(`Bearer ${TOKEN}`);
        return down.status === 200 && /^resque_redis_up 0$/m.test(await down.text());
      });
    } finally {
      await server.resume();
    }
    await waitFor("ready again", async () => (await get("/api/ready")).status === 200);
    expect((await get("/api/ready")).body).toEqual({ status: "up" });
  });
});
