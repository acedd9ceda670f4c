/**
 * `npm run bench` (third part): how fast the dashboard's JSON answers, against the production
 * web app (`next start`) on a private redis-server. See bench/README.md, "Dashboard".
 *
 * 1. `dashboard-routes`: every JSON route of ROUTES, N sequential GETs after a warm-up, at
 *    10k queued / 1k failed and at 1M queued / 100k failed: p50/p95/p99/max, and the Redis
 *    commands per request (INFO commandstats after CONFIG RESETSTAT, divided by N) to show the
 *    unfiltered routes cost the same whatever the data size. A route answering Next's 404 page is
 *    reported "not built", not a crash.
 * 2. `dashboard-load`: 50 simulated browsers (bench/dashboard-load.ts, a second process) poll
 *    the overview and queue JSON once a second while two worker processes (dist/workers, the
 *    production `work` command) drain 50,000 no-op jobs: requests, failures, latency, drain time.
 *
 * Prints JSON lines on stdout, progress on stderr, writes bench/.out/dashboard.md and prints it.
 * Targets are reported as met / not met, never asserted.
 *
 * Env: BENCH_SCALE (multiplies the big data set and the drained jobs, default 1),
 *      BENCH_SCENARIOS (comma list; runs the dashboard-* names in it, ignores the others, which
 *      belong to bench/run.ts; runs nothing of this file when set without any dashboard-* name),
 *      BENCH_DASH_REQUESTS (timed GETs per route, default 200),
 *      BENCH_DASH_ROUTE_SECONDS (time cap per route and data size, default 30),
 *      BENCH_DASH_ROUTES (comma list of route labels to time, e.g. "/metrics"; default all).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { Connection } from "../lib/resque/index.js";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server.js";
import { startWeb, type WebServer } from "../tests/helpers/web.js";
import { cliEnv, startCli, type Running } from "../tests/helpers/processes.js";
import { ensureNextBuild } from "../tests/setup/next-build.js";
import { seedDataset, seedDrain, type Dataset, type DatasetSpec } from "./lib/dashboard-seed.js";
import { summarize, timedGet, type Summary } from "./lib/latency.js";
import type { LoadResult } from "./dashboard-load.js";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const OUT_DIR = path.join(BENCH_DIR, ".out");
const NAMESPACE = "bench-dash";
const FAILED_KEY = `${NAMESPACE}:failed`;

// ---------------------------------------------------------------- configuration

const SCALE = Number(process.env.BENCH_SCALE ?? "1");
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const REQUESTS = Math.max(1, Math.floor(Number(process.env.BENCH_DASH_REQUESTS ?? "200")));
const ROUTE_SECONDS = Number(process.env.BENCH_DASH_ROUTE_SECONDS ?? "30");
/** Warm-up requests per route, or fewer when they take longer than WARMUP_SECONDS (a filtered scan). */
const WARMUP = 20;
const WARMUP_SECONDS = 5;
const SIZES: { label: string; spec: DatasetSpec }[] = [
  { label: "small", spec: { queued: 10_000, failed: 1_000 } },
  {
    label: "big",
    spec: {
      queued: Math.max(10_000, Math.round(1_000_000 * SCALE)),
      failed: Math.max(1_000, Math.round(100_000 * SCALE)),
    },
  },
];
const LOAD = { clients: 50, periodMs: 1000, drainJobs: Math.max(1_000, Math.round(50_000 * SCALE)), warmSec: 3 };
const TARGET = { routeP95Ms: 50, filteredP95Ms: 500, loadP99Ms: 200 };

const ALL_SCENARIOS = ["dashboard-routes", "dashboard-load"] as const;
type ScenarioName = (typeof ALL_SCENARIOS)[number];
const SCENARIOS_ON: ScenarioName[] = (() => {
  const env = process.env.BENCH_SCENARIOS;
  if (!env) return [...ALL_SCENARIOS];
  const want = env.split(",").map((s) => s.trim());
  return ALL_SCENARIOS.filter((s) => want.includes(s));
})();

/**
 * Every JSON route behind a dashboard page. Routes other helpers are still building answer
 * Next's 404 page until merged, and are reported as not built.
 */
interface RouteSpec {
  label: string;
  path: (d: Dataset) => string;
  /** Filtered failure reads scan the list: their target is 500 ms, not 50 ms. */
  filtered?: boolean;
  /** Untimed, before every request (its Redis command is counted with the route's). */
  before?: (redis: Redis) => Promise<unknown>;
}

/**
 * A filter the route does not understand (a parameter named differently) would be measured as
 * an unfiltered read: when the answer carries a `total`, it must be less than every record.
 */
function filterIgnored(body: string, d: Dataset): string | null {
  const total = /"total":(\d+)/.exec(body);
  return total && Number(total[1]) >= d.failed ? `the filter was ignored (total ${total[1]} = every record)` : null;
}
const lastPage = (total: number, per: number) => Math.max(1, Math.ceil(total / per));
const ROUTES: RouteSpec[] = [
  { label: "/api/status", path: () => "/api/status" },
  { label: "/api/queues", path: () => "/api/queues" },
  { label: "/api/queues/<big>?page=1", path: (d) => `/api/queues/${d.bigQueue}?page=1&perPage=20` },
  // The middle is a list's worst case: Redis walks to an index from the nearer end.
  {
    label: "/api/queues/<big>?page=<middle>",
    path: (d) => `/api/queues/${d.bigQueue}?page=${Math.ceil(lastPage(d.bigQueueSize, 20) / 2)}&perPage=20`,
  },
  {
    label: "/api/queues/<big>?page=<last>",
    path: (d) => `/api/queues/${d.bigQueue}?page=${lastPage(d.bigQueueSize, 20)}&perPage=20`,
  },
  { label: "/api/workers", path: () => "/api/workers" },
  { label: "/api/failed?page=1&perPage=20", path: () => "/api/failed?page=1&perPage=20" },
  { label: "/api/failed?page=<last>&perPage=20", path: (d) => `/api/failed?page=${lastPage(d.failed, 20)}&perPage=20` },
  // Grouping counts only what was appended since the last grouping of the same list: timed with
  // nothing new, with one new failure before each request (a live dashboard), and cold (the oldest
  // record moved to the tail before each request, so everything is counted again).
  { label: "/api/failed/groups (nothing new)", path: () => "/api/failed/groups" },
  {
    label: "/api/failed/groups (1 new failure each)",
    path: () => "/api/failed/groups",
    before: (r) => r.eval("return redis.call('RPUSH', KEYS[1], redis.call('LINDEX', KEYS[1], -1))", 1, FAILED_KEY),
  },
  {
    label: "/api/failed/groups (cold: full count)",
    path: () => "/api/failed/groups",
    before: (r) => r.lmove(FAILED_KEY, FAILED_KEY, "LEFT", "RIGHT"),
  },
  { label: "/api/delayed", path: () => "/api/delayed" },
  { label: "/api/schedules", path: () => "/api/schedules" },
  { label: "/api/stats", path: () => "/api/stats" },
  // The Prometheus scrape (bearer API_TOKEN, as METRICS_TOKEN is unset): issue 15's 50 ms at 1M/100k.
  { label: "/metrics", path: () => "/metrics" },
  {
    label: "/api/failed?class=<rare>&perPage=20",
    path: (d) => `/api/failed?class=${encodeURIComponent(d.rareClass)}&perPage=20`,
    filtered: true,
  },
  {
    label: "/api/failed?q=<text>&perPage=20",
    path: (d) => `/api/failed?q=${encodeURIComponent(d.rareText)}&perPage=20`,
    filtered: true,
  },
];

const ROUTES_ON = (() => {
  const want = (process.env.BENCH_DASH_ROUTES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = want.filter((w) => !ROUTES.some((r) => r.label === w));
  if (unknown.length) throw new Error(`BENCH_DASH_ROUTES: unknown route label(s) ${unknown.join(", ")}`);
  return want.length ? ROUTES.filter((r) => want.includes(r.label)) : ROUTES;
})();

// ---------------------------------------------------------------- helpers

const log = (...a: unknown[]) => console.error(`[bench-dashboard ${new Date().toISOString().slice(11, 19)}]`, ...a);
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmtInt = (n: number) => Math.round(n).toLocaleString("en");
const fmtMs = (v: number) => (Number.isFinite(v) ? (v >= 100 ? String(Math.round(v)) : v.toFixed(1)) : "–");

/** Calls per command since the last CONFIG RESETSTAT, without the bench's own INFO/CONFIG calls. */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info("commandstats");
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] === "info" || m[1]!.startsWith("config")) continue;
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

type RouteResult =
  | { label: string; state: "not built" }
  | { label: string; state: "error"; status: number; detail: string }
  | {
      label: string;
      state: "ok";
      path: string;
      summary: Summary;
      commandsPerRequest: number;
      commands: Record<string, number>;
      capped: boolean;
    };

/** One route at one data size: probe, warm up, then N timed sequential GETs and the Redis commands they cost. */
async function measureRoute(web: WebServer, redis: Redis, spec: RouteSpec, d: Dataset): Promise<RouteResult> {
  const p = spec.path(d);
  const probe = await timedGet(web.url + p, web.apiToken, { keepBody: true, timeoutMs: 120_000 });
  const isJson = probe.contentType?.includes("application/json") ?? false;
  if (probe.status === 404 && !isJson) return { label: spec.label, state: "not built" };
  if (probe.status !== 200)
    return {
      label: spec.label,
      state: "error",
      status: probe.status,
      detail: probe.error ?? (probe.body ?? "").slice(0, 200),
    };
  const ignored = spec.filtered ? filterIgnored(probe.body ?? "", d) : null;
  if (ignored) return { label: spec.label, state: "error", status: probe.status, detail: ignored };
  const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
  for (let i = 0; i < WARMUP && performance.now() < warmUntil; i++) {
    await spec.before?.(redis);
    await timedGet(web.url + p, web.apiToken, { timeoutMs: 120_000 });
  }
  await redis.config("RESETSTAT");
  const ms: number[] = [];
  const deadline = performance.now() + ROUTE_SECONDS * 1000;
  while (ms.length < REQUESTS && performance.now() < deadline) {
    await spec.before?.(redis);
    const r = await timedGet(web.url + p, web.apiToken, { timeoutMs: 120_000 });
    if (r.status !== 200)
      return { label: spec.label, state: "error", status: r.status, detail: r.error ?? "non-200 during the timed run" };
    ms.push(r.ms);
  }
  const calls = await commandCalls(redis);
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const commands = Object.fromEntries(
    Object.entries(calls).map(([k, v]) => [k, Math.round((v / ms.length) * 100) / 100]),
  );
  return {
    label: spec.label,
    state: "ok",
    path: p,
    summary: summarize(ms),
    commandsPerRequest: Math.round((total / ms.length) * 100) / 100,
    commands,
    capped: ms.length < REQUESTS,
  };
}

// ---------------------------------------------------------------- scenarios

interface SizeRun {
  label: string;
  dataset: Dataset;
  seedSeconds: number;
  usedMemoryMb: number;
  routes: RouteResult[];
}

async function scenarioRoutes(web: WebServer, redis: Redis, conn: Connection): Promise<SizeRun[]> {
  const runs: SizeRun[] = [];
  for (const { label, spec } of SIZES) {
    await redis.flushall();
    const t0 = performance.now();
    const dataset = await seedDataset(conn, spec);
    const seedSeconds = (performance.now() - t0) / 1000;
    const usedMemoryMb = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]) / 2 ** 20;
    log(
      `seeded ${fmtInt(spec.queued)} queued / ${fmtInt(spec.failed)} failed in ${seedSeconds.toFixed(1)} s (${usedMemoryMb.toFixed(0)} MiB)`,
    );
    const routes: RouteResult[] = [];
    for (const r of ROUTES_ON) {
      const res = await measureRoute(web, redis, r, dataset);
      routes.push(res);
      if (res.state === "ok") {
        log(
          `${label} ${r.label}: p50 ${res.summary.p50} p95 ${res.summary.p95} p99 ${res.summary.p99} max ${res.summary.max} ms, ${res.commandsPerRequest} cmds/req (n=${res.summary.n})`,
        );
        emit({
          scenario: "dashboard-route",
          size: label,
          queued: spec.queued,
          failed: spec.failed,
          route: r.label,
          path: res.path,
          ...res.summary,
          unit: "ms",
          commandsPerRequest: res.commandsPerRequest,
          commands: res.commands,
        });
      } else {
        log(`${label} ${r.label}: ${res.state}${res.state === "error" ? ` (HTTP ${res.status}: ${res.detail})` : ""}`);
        emit({
          scenario: "dashboard-route",
          size: label,
          route: r.label,
          state: res.state,
          ...(res.state === "error" ? { status: res.status, detail: res.detail } : {}),
        });
      }
    }
    runs.push({ label, dataset, seedSeconds, usedMemoryMb, routes });
  }
  return runs;
}

interface LoadRun {
  result: LoadResult;
  paths: string[];
  drainJobs: number;
  drainSeconds: number;
  drainFromSpawnSeconds: number;
  workerFailures: number;
}

/** Starts the load process and resolves once it polls; `stop()` resolves with its samples. */
function startLoad(
  web: WebServer,
  paths: string[],
): Promise<{ child: ChildProcess; reset(): void; stop(): Promise<LoadResult> }> {
  const cfg = { url: web.url, token: web.apiToken, clients: LOAD.clients, paths, periodMs: LOAD.periodMs };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(BENCH_DIR, "dashboard-load.ts"), JSON.stringify(cfg)],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load process exited (code ${code}) before starting`));
    child.once("exit", onExit);
    child.once("message", () => {
      child.off("exit", onExit);
      resolve({
        child,
        reset: () => child.send("reset"),
        stop: () =>
          new Promise<LoadResult>((res, rej) => {
            const timer = setTimeout(
              () => rej(new Error("the load process did not report within 30 s of stop")),
              30_000,
            );
            child.once("message", (m) => {
              clearTimeout(timer);
              res(m as LoadResult);
            });
            child.once("exit", (code) => rej(new Error(`load process exited (code ${code}) without results`)));
            child.send("stop");
          }),
      });
    });
  });
}

/** Child processes still running (the load process, the workers), stopped by pid on a signal too. */
const children = new Set<{ stop(): Promise<void> }>();

async function stopWorkers(w: Running): Promise<void> {
  w.kill("SIGTERM");
  const gone = await Promise.race([w.exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!gone) {
    w.kill("SIGKILL");
    await w.exited;
  }
}

async function scenarioLoad(web: WebServer, server: RedisServer, redis: Redis, conn: Connection): Promise<LoadRun> {
  await redis.flushall();
  const dataset = await seedDataset(conn, SIZES[0]!.spec);
  await seedDrain(conn, dataset.drainQueue, LOAD.drainJobs);
  const failedBefore = await redis.llen(conn.keys.failed);
  const processedBefore = Number(await redis.get(conn.keys.statProcessed));
  const paths = ["/api/status", `/api/queues/${dataset.drainQueue}?page=1&perPage=20`];
  log(
    `load: ${LOAD.clients} clients polling ${paths.join(" + ")} every ${LOAD.periodMs} ms; ${fmtInt(LOAD.drainJobs)} jobs to drain`,
  );
  const load = await startLoad(web, paths);
  const loadChild = {
    stop: async () => {
      if (load.child.exitCode === null) load.child.kill("SIGTERM");
    },
  };
  children.add(loadChild);
  let workers: Running | undefined;
  const workersChild = { stop: () => (workers ? stopWorkers(workers) : Promise.resolve()) };
  children.add(workersChild);
  try {
    await sleep(LOAD.warmSec * 1000);
    load.reset();
    const spawnedAt = performance.now();
    workers = startCli(
      ["work"],
      cliEnv(server.url, NAMESPACE, {
        QUEUE: dataset.drainQueue,
        QUEUE_COUNT: "2",
        SCHEDULER: "0",
        APP_INCLUDE: path.join(BENCH_DIR, "lib", "noop-jobs.mjs"),
      }),
    );
    let firstAt: number | undefined;
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const done = Number(await redis.get(conn.keys.statProcessed)) - processedBefore;
      if (done > 0 && firstAt === undefined) firstAt = performance.now();
      if (done >= LOAD.drainJobs) break;
      if (workers.proc.exitCode !== null) throw new Error(`workers exited early:\n${workers.output()}`);
      if (Date.now() > deadline) throw new Error(`drain did not finish: ${done} of ${LOAD.drainJobs}`);
      await sleep(20);
    }
    const endAt = performance.now();
    const result = await load.stop();
    const workerFailures = (await redis.llen(conn.keys.failed)) - failedBefore;
    return {
      result,
      paths,
      drainJobs: LOAD.drainJobs,
      drainSeconds: (endAt - firstAt!) / 1000,
      drainFromSpawnSeconds: (endAt - spawnedAt) / 1000,
      workerFailures,
    };
  } finally {
    for (const c of [loadChild, workersChild]) {
      children.delete(c);
      await c.stop();
    }
  }
}

// ---------------------------------------------------------------- report

function routeTable(runs: SizeRun[]): string[] {
  const [small, big] = [runs[0]!, runs[runs.length - 1]!];
  const lines = [
    `| route | target p95 | n | p50 | p95 | p99 | max (ms) | met | Redis cmds/req at ${fmtInt(small.dataset.queued)} / ${fmtInt(small.dataset.failed)} | at ${fmtInt(big.dataset.queued)} / ${fmtInt(big.dataset.failed)} |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
  ];
  ROUTES_ON.forEach((spec, i) => {
    const b = big.routes[i]!;
    const s = small.routes[i]!;
    const target = spec.filtered ? TARGET.filteredP95Ms : TARGET.routeP95Ms;
    if (b.state !== "ok") {
      const why = b.state === "not built" ? "not built (404)" : `HTTP ${b.status}: ${b.detail.replace(/\|/g, "\\|")}`;
      lines.push(`| \`${spec.label}\` | ${target} ms | – | – | – | – | – | ${why} | – | – |`);
      return;
    }
    const met = b.summary.p95 <= target ? "met" : "**not met**";
    const sc = s.state === "ok" ? s.commandsPerRequest : NaN;
    const grows = Number.isFinite(sc) && b.commandsPerRequest > sc + 0.5 ? " (grows)" : "";
    lines.push(
      `| \`${spec.label}\` | ${target} ms | ${b.summary.n}${b.capped ? "*" : ""} | ${fmtMs(b.summary.p50)} | ${fmtMs(b.summary.p95)} | ${fmtMs(b.summary.p99)} | ${fmtMs(b.summary.max)} | ${met} | ${Number.isFinite(sc) ? sc : "–"} | ${b.commandsPerRequest}${grows} |`,
    );
  });
  return lines;
}

function smallTable(run: SizeRun): string[] {
  const lines = ["| route | n | p50 | p95 | p99 | max (ms) |", "| --- | ---: | ---: | ---: | ---: | ---: |"];
  for (const r of run.routes) {
    if (r.state === "ok")
      lines.push(
        `| \`${r.label}\` | ${r.summary.n} | ${fmtMs(r.summary.p50)} | ${fmtMs(r.summary.p95)} | ${fmtMs(r.summary.p99)} | ${fmtMs(r.summary.max)} |`,
      );
    else lines.push(`| \`${r.label}\` | – | – | – | – | ${r.state} |`);
  }
  return lines;
}

function commandBreakdown(run: SizeRun): string[] {
  const lines = [
    `| route | commands per request at ${fmtInt(run.dataset.queued)} queued / ${fmtInt(run.dataset.failed)} failed |`,
    "| --- | --- |",
  ];
  for (const r of run.routes) {
    if (r.state !== "ok") continue;
    const parts = Object.entries(r.commands)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`);
    lines.push(`| \`${r.label}\` | ${parts.join(", ")} |`);
  }
  return lines;
}

function loadTable(run: LoadRun): string[] {
  const all = summarize(Object.values(run.result.ms).flat());
  const lines = [
    `${LOAD.clients} clients, each GETting ${run.paths.map((p) => `\`${p}\``).join(" and ")} once a second (a request not answered within 5 s fails, as the dashboard's polls do), while two worker processes drain ${fmtInt(run.drainJobs)} no-op jobs.`,
    "",
    "| what | value | target | met |",
    "| --- | ---: | ---: | --- |",
    `| requests (while draining) | ${fmtInt(run.result.requests)} in ${run.result.seconds.toFixed(1)} s | | |`,
    `| failed requests (non-2xx or error) | ${run.result.failures} | 0 | ${run.result.failures === 0 ? "met" : "**not met**"} |`,
    `| latency p50 / p95 / p99 / max, all requests | ${fmtMs(all.p50)} / ${fmtMs(all.p95)} / ${fmtMs(all.p99)} / ${fmtMs(all.max)} ms | p99 ≤ ${TARGET.loadP99Ms} ms | ${all.p99 <= TARGET.loadP99Ms ? "met" : "**not met**"} |`,
  ];
  for (const [p, ms] of Object.entries(run.result.ms)) {
    const s = summarize(ms);
    lines.push(
      `| \`${p}\` p50 / p95 / p99 / max | ${fmtMs(s.p50)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} / ${fmtMs(s.max)} ms (n = ${s.n}) | | |`,
    );
  }
  lines.push(
    `| drain time, first job → last job | ${run.drainSeconds.toFixed(1)} s (${fmtInt(run.drainJobs / run.drainSeconds)} jobs/s) | | |`,
    `| drain time, from spawning \`work\` | ${run.drainFromSpawnSeconds.toFixed(1)} s | | |`,
    `| jobs that failed in the workers | ${run.workerFailures} | 0 | ${run.workerFailures === 0 ? "met" : "**not met**"} |`,
  );
  const kinds = Object.entries(run.result.failureKinds);
  if (kinds.length) lines.push("", "Failed requests: " + kinds.map(([k, n]) => `${n} × \`${k}\``).join(", ") + ".");
  return lines;
}

function report(
  meta: { seconds: number; loadBefore: string; loadAfter: string; redisVersion: string },
  routes: SizeRun[] | undefined,
  load: LoadRun | undefined,
): string {
  const out = [
    "# Dashboard bench",
    "",
    `${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"} · node ${process.version} · redis ${meta.redisVersion} · BENCH_SCALE ${SCALE} · ${meta.seconds.toFixed(0)} s · load average ${meta.loadBefore} → ${meta.loadAfter}`,
    "",
  ];
  if (SCALE !== 1)
    out.push(
      `Targets are stated for BENCH_SCALE=1 (1,000,000 queued / 100,000 failed / 50,000 drained); this run is scaled by ${SCALE}.`,
      "",
    );
  if (routes) {
    const big = routes[routes.length - 1]!;
    out.push(
      `## 1. JSON routes at ${fmtInt(big.dataset.queued)} queued / ${fmtInt(big.dataset.failed)} failed`,
      "",
      `Sequential GETs with the API token after ${WARMUP} warm-up requests (or ${WARMUP_SECONDS} s of them), timed to the last body byte. Seeded in ${big.seedSeconds.toFixed(1)} s; Redis holds ${big.usedMemoryMb.toFixed(0)} MiB. ` +
        `Big queue \`${big.dataset.bigQueue}\` has ${fmtInt(big.dataset.bigQueueSize)} jobs. Redis commands per request: INFO commandstats after CONFIG RESETSTAT, divided by n` +
        ` (MULTI/EXEC and commands run inside Lua scripts count). "(grows)": more commands at the bigger size.` +
        (big.routes.some((r) => r.state === "ok" && r.capped)
          ? ` *: stopped at the ${ROUTE_SECONDS} s cap per route.`
          : ""),
      "",
      ...routeTable(routes),
      "",
      `### The same routes at ${fmtInt(routes[0]!.dataset.queued)} queued / ${fmtInt(routes[0]!.dataset.failed)} failed`,
      "",
      ...smallTable(routes[0]!),
      "",
      "### Where the commands go",
      "",
      ...commandBreakdown(big),
      "",
    );
  }
  if (load) out.push("## 2. Under load", "", ...loadTable(load), "");
  return out.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (SCENARIOS_ON.length === 0) {
    log(
      `BENCH_SCENARIOS=${process.env.BENCH_SCENARIOS} names no dashboard scenario (${ALL_SCENARIOS.join(", ")}): nothing to do`,
    );
    return;
  }
  const started = performance.now();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ");
  const loadBefore = load();
  if (SCENARIOS_ON.includes("dashboard-load")) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-workers.mjs"), "--if-stale"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error("building dist/workers failed");
  }
  await ensureNextBuild();

  let server: RedisServer | undefined;
  let web: WebServer | undefined;
  let redis: Redis | undefined;
  const cleanup = async () => {
    for (const c of children) await c.stop();
    redis?.disconnect();
    await web?.stop();
    await server?.stop();
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let routes: SizeRun[] | undefined;
  let loadRun: LoadRun | undefined;
  let redisVersion: string;
  try {
    server = await startRedisServer();
    redis = new Redis(server.url);
    redisVersion = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
    const conn = new Connection({ redis, namespace: NAMESPACE });
    if (SCENARIOS_ON.includes("dashboard-routes")) {
      // Every timed GET must be a real read: the routes' shared-read window is off here.
      web = await startWeb({ redisUrl: server.url, namespace: NAMESPACE, env: { JSON_SHARE_MS: "0" } });
      log(`next start on ${web.url} (pid ${web.pid}, shared reads off), redis on ${server.url}`);
      routes = await scenarioRoutes(web, redis, conn);
      await web.stop();
      web = undefined;
    }
    if (SCENARIOS_ON.includes("dashboard-load")) {
      // As deployed: concurrent polls of one URL share a read.
      web = await startWeb({ redisUrl: server.url, namespace: NAMESPACE });
      log(`next start on ${web.url} (pid ${web.pid}), redis on ${server.url}`);
      loadRun = await scenarioLoad(web, server, redis, conn);
      const all = summarize(Object.values(loadRun.result.ms).flat());
      emit({
        scenario: "dashboard-load",
        clients: LOAD.clients,
        requests: loadRun.result.requests,
        failures: loadRun.result.failures,
        ...all,
        unit: "ms",
        drainJobs: loadRun.drainJobs,
        drainSeconds: loadRun.drainSeconds,
      });
    }
  } finally {
    await cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const md = report(
    { seconds: (performance.now() - started) / 1000, loadBefore, loadAfter: load(), redisVersion },
    routes,
    loadRun,
  );
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, "dashboard.md"), md);
  console.error("\n" + md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
