/**
 * `npm run bench`: ours (lib/resque) vs node-resque vs BullMQ on a private redis-server.
 *
 * Prints one JSON line per measurement on stdout (progress goes to stderr), then writes
 * bench/.out/results.md (figures + ratios vs the targets) and prints it. See bench/README.md.
 *
 * Env: BENCH_SCALE (job-count multiplier, default 1), BENCH_REPS (default 3),
 *      BENCH_SYSTEMS (comma list of ours,node-resque,bullmq), BENCH_SCENARIOS (comma list of
 *      enqueue-one,enqueue-bulk,drain,latency,redis-benchmark,log-overhead),
 *      BENCH_NODE_FLAGS (extra node flags for the child processes, e.g.
 *      "--cpu-prof --cpu-prof-dir=bench/.out/prof"; off for real measurements).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server.js";
import { DEFAULT_HEAP_GROWING_PERCENT, workerNodeFlags } from "../workers/config.js";
import { NS_BENCH, NS_WARM, QUEUE, SYSTEMS, median, type ChildEvent, type Reply, type System } from "./lib/common.js";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const OUT_DIR = path.join(BENCH_DIR, ".out");

// ---------------------------------------------------------------- configuration

const SCALE = Number(process.env.BENCH_SCALE ?? "1");
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const scaled = (n: number, min: number) => Math.max(min, Math.round(n * SCALE));
const N = {
  one: scaled(20_000, 100),
  bulk: scaled(100_000, 1_000),
  drain: scaled(50_000, 500),
  latency: scaled(300, 20),
  await10: scaled(5_000, 200),
};
const BATCH = 1000;
const WARM = {
  one: scaled(1_000, 50),
  bulk: scaled(5_000, 1_000),
  drain: scaled(2_000, 100),
  await10: scaled(500, 50),
  latencyJobs: 10, // latency samples taken and discarded before the measured ones
};
const REDIS_BENCHMARK_N = 200_000;
const REDIS_BENCHMARK_C1_N = scaled(20_000, 1_000);

const ALL_SCENARIOS = [
  "enqueue-one",
  "enqueue-bulk",
  "drain",
  "drain-c10",
  "await10-c10",
  "latency",
  "redis-benchmark",
  "log-overhead",
] as const;
type ScenarioName = (typeof ALL_SCENARIOS)[number];
const pickList = <T extends string>(env: string | undefined, all: readonly T[]): T[] => {
  if (!env) return [...all];
  const want = env
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = want.filter((w) => !all.includes(w as T));
  if (bad.length) throw new Error(`unknown value(s) ${bad.join(", ")}; expected some of ${all.join(", ")}`);
  return all.filter((a) => want.includes(a));
};
const SYSTEMS_ON = pickList<System>(process.env.BENCH_SYSTEMS, SYSTEMS);
const SCENARIOS_ON = pickList<ScenarioName>(process.env.BENCH_SCENARIOS, ALL_SCENARIOS);

const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);

const LABEL: Record<System, string> = { ours: "ours", "node-resque": "node-resque", bullmq: "BullMQ" };

// ---------------------------------------------------------------- small helpers

const log = (...a: unknown[]) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

interface Measurement {
  scenario: string;
  system: string;
  value: number;
  unit: string;
  min: number;
  max: number;
  runs: number[];
  n?: number;
  note?: string;
  [extra: string]: unknown;
}
const results: Measurement[] = [];
type Extra = { n?: number; note?: string; [k: string]: unknown };

function record(scenario: string, system: string, unit: string, runs: number[], extra: Extra = {}): Measurement {
  const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000);
  const m: Measurement = {
    scenario,
    system,
    value: round(median(runs)),
    unit,
    min: round(Math.min(...runs)),
    max: round(Math.max(...runs)),
    runs: runs.map(round),
    ...extra,
  };
  results.push(m);
  console.log(JSON.stringify(m));
  return m;
}

/** Per-run values keyed by scenario and system, recorded (median/min/max) at the end of a scenario. */
class Runs {
  private readonly m = new Map<string, { scenario: string; system: string; unit: string; values: number[] }>();
  add(scenario: string, system: string, unit: string, v: number): void {
    const k = `${scenario}|${system}`;
    const e = this.m.get(k) ?? { scenario, system, unit, values: [] };
    e.values.push(v);
    this.m.set(k, e);
  }
  addCpu(scenario: string, system: string, cpu: { client: number; redis: number }): void {
    this.add(`${scenario}-cpu-client`, system, "µs/job", cpu.client);
    this.add(`${scenario}-cpu-redis`, system, "µs/job", cpu.redis);
  }
  /** Records everything collected, in insertion order of scenario then system order. */
  flush(extra: (scenario: string, system: string) => Extra = () => ({})): void {
    const entries = [...this.m.values()];
    const scenarios = [...new Set(entries.map((e) => e.scenario))];
    for (const sc of scenarios) {
      for (const e of entries.filter((x) => x.scenario === sc))
        record(e.scenario, e.system, e.unit, e.values, extra(e.scenario, e.system));
    }
    this.m.clear();
  }
}

// ---------------------------------------------------------------- child processes

/** Extra environment for a child, and where its stdout goes (a file descriptor; default our stderr). */
interface ChildOptions {
  env?: Record<string, string>;
  stdout?: number;
  /** Node flags of this child besides BENCH_NODE_FLAGS (our workers: what the supervisor gives them). */
  flags?: string[];
}

/** A bundled child entry point run with plain `node`, talking over IPC. */
class Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(e: ChildEvent) => void>();
  private exitedFlag = false;
  readonly loaded: Promise<ChildEvent>;

  constructor(
    readonly name: string,
    file: string,
    args: string[],
    opts: ChildOptions = {},
  ) {
    const env = { ...process.env, ...opts.env };
    delete env.NODE_OPTIONS; // no loader (tsx or other) in the measured processes
    this.proc = spawn(process.execPath, [...NODE_FLAGS, ...(opts.flags ?? []), file, ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", opts.stdout ?? 2, 2, "ipc"],
    });
    this.loaded = this.waitEvent((e) => e.type === "loaded", 30_000);
    this.proc.on("error", (e) => log(`${this.name}: ${e.message}`)); // e.g. EPIPE when it already exited
    this.proc.on("message", (raw) => {
      if (typeof (raw as { id?: unknown }).id === "number") {
        const m = raw as Reply;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        if (m.ok) p.resolve(m);
        else p.reject(new Error(`${this.name}: ${m.error}`));
      } else {
        for (const l of [...this.listeners]) l(raw as ChildEvent);
      }
    });
    this.exited = new Promise((resolve) => {
      this.proc.once("exit", (code, signal) => {
        this.exitedFlag = true;
        const err = new Error(`${this.name} exited (code ${code}, signal ${signal})`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        for (const l of [...this.listeners]) l({ type: "exit", code, signal });
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  waitEvent(pred: (e: ChildEvent) => boolean, timeoutMs: number): Promise<ChildEvent> {
    return new Promise((resolve, reject) => {
      const l = (e: ChildEvent) => {
        if (e.type === "exit") {
          done();
          reject(new Error(`${this.name} exited while waiting for an event`));
        } else if (pred(e)) {
          done();
          resolve(e);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for an event`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(l);
      };
      this.listeners.add(l);
    });
  }

  request(cmd: string, payload: Record<string, unknown> = {}, timeoutMs = 600_000): Promise<Reply> {
    if (this.exitedFlag || !this.proc.connected) return Promise.reject(new Error(`${this.name} has exited`));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.send({ id, cmd, ...payload }, (e) => {
        if (!e) return;
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(e);
      });
    });
  }

  /** Asks the child to exit; SIGTERM then SIGKILL (this child's pid only) if it does not. */
  async close(): Promise<void> {
    if (this.exitedFlag) return;
    try {
      await this.request("exit", {}, 15_000);
    } catch {
      /* fall through to signals */
    }
    const exitedWithin = (ms: number) => Promise.race([this.exited.then(() => true), sleep(ms).then(() => false)]);
    if (await exitedWithin(5_000)) return;
    this.proc.kill("SIGTERM");
    if (await exitedWithin(5_000)) return;
    this.proc.kill("SIGKILL");
    await this.exited;
  }
}

const children = new Set<Child>();
async function startChild(
  kind: "workers" | "producers",
  system: System,
  port: number,
  opts: ChildOptions = {},
): Promise<Child> {
  // Our worker processes run with the node flags the supervisor starts them with (workers/config.ts).
  if (kind === "workers" && system === "ours") opts = { ...opts, flags: workerNodeFlags(DEFAULT_HEAP_GROWING_PERCENT) };
  const c = new Child(`${system} ${kind.slice(0, -1)}`, path.join(OUT_DIR, kind, `${system}.js`), [String(port)], opts);
  children.add(c);
  void c.exited.then(() => children.delete(c));
  const loaded = await c.loaded;
  const execArgv = loaded.execArgv as string[];
  if (execArgv.join(" ") !== [...NODE_FLAGS, ...(opts.flags ?? [])].join(" "))
    throw new Error(`${c.name} runs with unexpected node flags: ${execArgv.join(" ")}`);
  return c;
}

/** Peak and current RSS of a process in MiB, from /proc/<pid>/status. */
function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { hwm: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (10 ms ticks). */
let clockTicks = 100;
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime (fields 14, 15)
}

/** CPU used by a client process and by redis-server over a measured section, in µs per job. */
class CpuMeter {
  private readonly c0: number;
  private readonly r0: number;
  constructor(
    private readonly clientPid: number,
    private readonly redisPid: number,
  ) {
    this.c0 = cpuSeconds(clientPid);
    this.r0 = cpuSeconds(redisPid);
  }
  perJob(n: number): { client: number; redis: number } {
    return {
      client: ((cpuSeconds(this.clientPid) - this.c0) * 1e6) / n,
      redis: ((cpuSeconds(this.redisPid) - this.r0) * 1e6) / n,
    };
  }
}

// ---------------------------------------------------------------- the bundles

async function bundle(): Promise<void> {
  const esbuild = await import("esbuild");
  const entryPoints = SYSTEMS.flatMap((s) => [
    path.join(BENCH_DIR, "workers", `${s}.ts`),
    path.join(BENCH_DIR, "producers", `${s}.ts`),
  ]);
  await esbuild.build({
    entryPoints,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outbase: BENCH_DIR,
    outdir: OUT_DIR,
    logLevel: "warning",
  });
}

// ---------------------------------------------------------------- Redis-side checks

let admin: Redis;
let redisPid = 0;

/** Jobs waiting in the bench queue (ours and node-resque share the Resque layout). */
async function queuedCount(system: System, ns = NS_BENCH): Promise<number> {
  if (system === "bullmq") {
    const res = await admin
      .pipeline()
      .llen(`${ns}:${QUEUE}:wait`)
      .llen(`${ns}:${QUEUE}:paused`)
      .zcard(`${ns}:${QUEUE}:prioritized`)
      .exec();
    return res!.reduce((a, [, v]) => a + Number(v), 0);
  }
  return admin.llen(`${ns}:queue:${QUEUE}`);
}

/**
 * True once every job is done. Resque systems: `stat:processed` reached n (one GET per poll).
 * BullMQ: wait, active and prioritized are all empty (completed jobs are removed on completion,
 * and a job leaves `active` only in the same script that finishes it).
 */
async function drained(system: System, n: number): Promise<boolean> {
  if (system === "bullmq") {
    const res = await admin
      .pipeline()
      .llen(`${NS_BENCH}:${QUEUE}:wait`)
      .llen(`${NS_BENCH}:${QUEUE}:active`)
      .zcard(`${NS_BENCH}:${QUEUE}:prioritized`)
      .exec();
    return res!.every(([, v]) => Number(v) === 0);
  }
  return Number(await admin.get(`${NS_BENCH}:stat:processed`)) >= n;
}

/**
 * Redis commands per job since the last CONFIG RESETSTAT, from INFO commandstats. Commands
 * run inside Lua scripts are counted too (as well as the EVALSHA that ran them); the
 * orchestrator's own polling (every 10 ms) is left out.
 */
async function commandsPerJob(n: number): Promise<Record<string, number>> {
  const info = await admin.info("commandstats");
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const cmd = m[1]!;
    if (["config|resetstat", "info", "llen", "zcard", "get", "ping"].includes(cmd) && Number(m[2]) / n < 0.05) continue;
    const perJob = Math.round((Number(m[2]) / n) * 100) / 100;
    if (perJob >= 0.01) out[cmd] = perJob;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

async function expectQueued(system: System, n: number, what: string, ns = NS_BENCH): Promise<void> {
  const got = await queuedCount(system, ns);
  if (got !== n) throw new Error(`${system} ${what}: expected ${n} queued jobs, found ${got}`);
}

// ---------------------------------------------------------------- scenarios

/** Enqueue scenarios: `one` (sequential awaits) and `bulk` (BATCH jobs per call). */
async function scenarioEnqueue(producers: Map<System, Child>, kind: "one" | "bulk"): Promise<void> {
  const name = kind === "one" ? "enqueue-one" : "enqueue-bulk";
  const n = kind === "one" ? N.one : N.bulk;
  const warm = kind === "one" ? WARM.one : WARM.bulk;
  const runs = new Runs();
  for (let rep = 1; rep <= REPS; rep++) {
    for (const s of SYSTEMS_ON) {
      const p = producers.get(s)!;
      await admin.flushall();
      await p.request(kind, { ns: NS_WARM, n: warm, batch: BATCH });
      await admin.flushall();
      const cpu = new CpuMeter(p.pid, redisPid);
      const { ms } = (await p.request(kind, { ns: NS_BENCH, n, batch: BATCH })) as Reply & { ms: number };
      const c = cpu.perJob(n);
      await expectQueued(s, n, name);
      const rate = n / (ms / 1000);
      runs.add(name, s, "jobs/s", rate);
      runs.addCpu(name, s, c);
      log(
        `${name} rep ${rep} ${s}: ${Math.round(rate)} jobs/s (CPU/job: client ${c.client.toFixed(1)} µs, redis ${c.redis.toFixed(1)} µs)`,
      );
    }
  }
  runs.flush((sc, s) => {
    if (sc !== "enqueue-bulk") return { n };
    const note =
      s === "ours"
        ? `enqueueMany, ${BATCH} per call`
        : s === "bullmq"
          ? `addBulk, ${BATCH} per call`
          : `no bulk API: ${BATCH} concurrent queue.enqueue calls per batch`;
    return { n, note };
  });
}

/** Pre-fills warm-up and measured jobs, starts a worker process, warms it, returns it. */
async function warmWorker(
  s: System,
  producer: Child,
  port: number,
  warmJobs: number,
  benchJobs: number,
  opts: ChildOptions = {},
): Promise<Child> {
  await admin.flushall();
  await producer.request("prefill", { ns: NS_WARM, n: warmJobs, batch: BATCH });
  await expectQueued(s, warmJobs, "warm-up prefill", NS_WARM);
  if (benchJobs > 0) {
    await producer.request("prefill", { ns: NS_BENCH, n: benchJobs, batch: BATCH });
    await expectQueued(s, benchJobs, "prefill");
  }
  const w = await startChild("workers", s, port, opts);
  await w.request("warm", { n: warmJobs }, 120_000);
  return w;
}

/** Lets a warmed worker drain the N.drain pre-filled jobs: rate, CPU and memory, commands per job. */
async function timeDrain(s: System, w: Child) {
  await admin.config("RESETSTAT");
  const cpu = new CpuMeter(w.pid, redisPid);
  const t0 = performance.now();
  await w.request("go");
  const deadline = t0 + 600_000;
  while (!(await drained(s, N.drain))) {
    if (performance.now() > deadline) throw new Error(`${s} did not drain ${N.drain} jobs within 10 minutes`);
    await sleep(10);
  }
  const ms = performance.now() - t0;
  const c = cpu.perJob(N.drain);
  const mem = memoryOf(w.pid);
  const commands = await commandsPerJob(N.drain);
  const { completed } = (await w.request("stop", {}, 60_000)) as Reply & { completed: number };
  if (completed !== N.drain) throw new Error(`${s} worker reports ${completed} completed jobs, expected ${N.drain}`);
  return { rate: N.drain / (ms / 1000), c, mem, commands };
}

/**
 * Log overhead: our worker drains the same N.drain no-op jobs with the default text log (nothing
 * per job) and with LOG_FORMAT=json (a start and a success line per job, stdout to a file, as a
 * log shipper or journald would take it), in alternating order per run. The file must hold both
 * lines of every job, so the figure cannot come from a logger that wrote nothing.
 */
async function scenarioLogOverhead(producer: Child, port: number): Promise<void> {
  const runs = new Runs();
  const logFile = path.join(OUT_DIR, "worker-json.log");
  for (let rep = 1; rep <= REPS; rep++) {
    const order = rep % 2 ? (["text", "json"] as const) : (["json", "text"] as const);
    for (const form of order) {
      const fd = form === "json" ? openSync(logFile, "w") : undefined;
      try {
        const opts: ChildOptions = form === "json" ? { env: { LOG_FORMAT: "json" }, stdout: fd } : {};
        const w = await warmWorker("ours", producer, port, WARM.drain, N.drain, opts);
        try {
          const { rate, c } = await timeDrain("ours", w);
          runs.add("drain-log", form, "jobs/s", rate);
          runs.add("drain-log-cpu-client", form, "µs/job", c.client);
          log(
            `log-overhead rep ${rep} ${form}: ${Math.round(rate)} jobs/s (CPU/job: worker ${c.client.toFixed(1)} µs)`,
          );
        } finally {
          await w.close();
        }
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      if (form === "json") {
        const text = readFileSync(logFile, "utf8");
        const count = (event: string) => text.split(`"event":"${event}"`).length - 1;
        // Warm-up jobs log too: at least N.drain of each, every line a JSON object.
        if (count("job.start") < N.drain || count("job.success") < N.drain)
          throw new Error(
            `LOG_FORMAT=json worker logged ${count("job.start")} starts and ${count("job.success")} successes for ${N.drain} jobs`,
          );
        for (const line of text.split("\n").slice(0, 1000)) if (line) JSON.parse(line);
      }
    }
  }
  runs.flush(() => ({ n: N.drain, note: "our worker; json = LOG_FORMAT=json, stdout to a file" }));
}

async function scenarioDrain(producers: Map<System, Child>, port: number): Promise<void> {
  const runs = new Runs();
  const hwm = new Runs();
  const calls = new Map<System, Record<string, number>>();
  for (let rep = 1; rep <= REPS; rep++) {
    for (const s of SYSTEMS_ON) {
      const w = await warmWorker(s, producers.get(s)!, port, WARM.drain, N.drain);
      try {
        const { rate, c, mem, commands } = await timeDrain(s, w);
        calls.set(s, commands);
        runs.add("drain", s, "jobs/s", rate);
        runs.addCpu("drain", s, c);
        hwm.add("worker-peak-rss", s, "MiB", mem.hwm);
        log(
          `drain rep ${rep} ${s}: ${Math.round(rate)} jobs/s, VmHWM ${mem.hwm.toFixed(1)} MiB (CPU/job: worker ${c.client.toFixed(1)} µs, redis ${c.redis.toFixed(1)} µs)`,
        );
      } finally {
        await w.close();
      }
    }
  }
  runs.flush((sc, s) => {
    if (sc !== "drain") return { n: N.drain };
    const note =
      s === "ours"
        ? "one Worker, one job at a time"
        : s === "bullmq"
          ? "one Worker, concurrency 10, removeOnComplete"
          : "one Worker, timeout 5 ms";
    return { n: N.drain, note, redisCommandsPerJob: calls.get(s as System) };
  });
  hwm.flush(() => ({ note: "VmHWM at the end of the drain scenario" }));
}

/**
 * Issue 12's drains at concurrency 10, ours vs BullMQ (node-resque has no slots in one Worker):
 * `drain-c10` no-op jobs, `await10-c10` jobs that each await a 10 ms timer (both bounded by
 * 10 / 10 ms = 1,000 jobs/s: the point is to reach the bound).
 */
async function scenarioConcurrent(
  producers: Map<System, Child>,
  port: number,
  name: "drain-c10" | "await10-c10",
): Promise<void> {
  const jobMs = name === "await10-c10" ? 10 : 0;
  const n = jobMs ? N.await10 : N.drain;
  const env = { BENCH_CONCURRENCY: "10", BENCH_JOB_MS: String(jobMs) };
  const runs = new Runs();
  for (let rep = 1; rep <= REPS; rep++) {
    for (const s of SYSTEMS_ON.filter((x) => x !== "node-resque")) {
      const w = await warmWorker(s, producers.get(s)!, port, jobMs ? WARM.await10 : WARM.drain, n, { env });
      try {
        const cpu = new CpuMeter(w.pid, redisPid);
        const t0 = performance.now();
        await w.request("go");
        const deadline = t0 + 600_000;
        while (!(await drained(s, n))) {
          if (performance.now() > deadline) throw new Error(`${s} did not drain ${n} jobs within 10 minutes`);
          await sleep(10);
        }
        const rate = n / ((performance.now() - t0) / 1000);
        const { completed } = (await w.request("stop", {}, 60_000)) as Reply & { completed: number };
        if (completed !== n) throw new Error(`${s} worker reports ${completed} completed jobs, expected ${n}`);
        runs.add(name, s, "jobs/s", rate);
        const c = cpu.perJob(n);
        log(
          `${name} rep ${rep} ${s}: ${Math.round(rate)} jobs/s (CPU/job: worker ${c.client.toFixed(1)} µs, redis ${c.redis.toFixed(1)} µs)`,
        );
      } finally {
        await w.close();
      }
    }
  }
  runs.flush(() => ({ n, note: "one worker process, concurrency 10" }));
}

async function scenarioLatency(producers: Map<System, Child>, port: number): Promise<void> {
  const pct = { p50: new Map<System, number[]>(), p95: new Map<System, number[]>(), p99: new Map<System, number[]>() };
  for (const m of Object.values(pct)) for (const s of SYSTEMS_ON) m.set(s, []);
  for (let rep = 1; rep <= REPS; rep++) {
    for (const s of SYSTEMS_ON) {
      const producer = producers.get(s)!;
      const w = await warmWorker(s, producer, port, WARM.drain, 0);
      try {
        await w.request("go");
        await sleep(300); // let it go idle (blocked or polling)
        const samples: number[] = [];
        for (let i = 0; i < WARM.latencyJobs + N.latency; i++) {
          const picked = w.waitEvent((e) => e.type === "lat" && e.i === i, 30_000);
          await producer.request("latency", { ns: NS_BENCH, i });
          const ev = await picked;
          if (i >= WARM.latencyJobs) samples.push(ev.ms as number);
          await sleep(5 + Math.random() * 15);
        }
        await w.request("stop", {}, 60_000);
        for (const p of [50, 95, 99] as const) pct[`p${p}`].get(s)!.push(percentile(samples, p));
        log(
          `latency rep ${rep} ${s}: p50 ${percentile(samples, 50).toFixed(2)} p95 ${percentile(samples, 95).toFixed(2)} p99 ${percentile(samples, 99).toFixed(2)} ms`,
        );
      } finally {
        await w.close();
      }
    }
  }
  for (const p of ["p50", "p95", "p99"] as const) {
    for (const s of SYSTEMS_ON) {
      const note =
        s === "node-resque" && p === "p50"
          ? "node-resque polls (timeout 5 ms): its latency tracks the poll interval"
          : undefined;
      record(`pickup-latency-${p}`, s, "ms", pct[p].get(s)!, { n: N.latency, note });
    }
  }
}

async function scenarioRedisBenchmark(port: number): Promise<void> {
  const runs: Record<string, number[]> = { RPUSH: [], LPOP: [], "RPUSH-c1": [] };
  for (let rep = 1; rep <= REPS; rep++) {
    await admin.flushall();
    const { stdout } = await promisify(execFile)("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-t",
      "rpush,lpop",
      "-n",
      String(REDIS_BENCHMARK_N),
      "-q",
    ]);
    for (const line of stdout.split(/[\r\n]+/)) {
      const m = /^(RPUSH|LPOP):\s*([\d.]+) requests per second/.exec(line.trim());
      if (m) runs[m[1]!]!.push(Number(m[2]));
    }
    const c1 = await promisify(execFile)("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-t",
      "rpush",
      "-n",
      String(REDIS_BENCHMARK_C1_N),
      "-c",
      "1",
      "-q",
    ]);
    const m1 = /RPUSH:\s*([\d.]+) requests per second/.exec(
      c1.stdout
        .split(/[\r\n]+/)
        .filter((l) => l.includes("requests per second"))
        .at(-1) ?? "",
    );
    if (m1) runs["RPUSH-c1"]!.push(Number(m1[1]));
    log(
      `redis-benchmark rep ${rep}: RPUSH ${runs.RPUSH!.at(-1)} LPOP ${runs.LPOP!.at(-1)} req/s; one connection, no pipelining: RPUSH ${runs["RPUSH-c1"]!.at(-1)} req/s`,
    );
  }
  for (const [cmd, r] of Object.entries(runs)) {
    if (r.length !== REPS) throw new Error(`could not parse redis-benchmark ${cmd} output`);
    if (cmd === "RPUSH-c1") {
      record("redis-benchmark-rpush-c1", "redis", "req/s", r, {
        n: REDIS_BENCHMARK_C1_N,
        note: "redis-benchmark -t rpush -c 1 -q: one connection, one request at a time (the sequential round-trip ceiling)",
      });
    } else {
      record(`redis-benchmark-${cmd.toLowerCase()}`, "redis", "req/s", r, {
        n: REDIS_BENCHMARK_N,
        note: "redis-benchmark -t rpush,lpop -q (50 clients): the server's ceiling",
      });
    }
  }
}

// ---------------------------------------------------------------- the report

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || Number.isNaN(v)) return "—";
  if (unit === "ms" || unit === "MiB") return v.toFixed(unit === "ms" ? 2 : 1);
  return Math.round(v).toLocaleString("en-US");
}
const get = (scenario: string, system: string) => results.find((r) => r.scenario === scenario && r.system === system);
function cell(scenario: string, system: string): string {
  const m = get(scenario, system);
  if (!m) return "—";
  return `${fmt(m.value, m.unit)} (${fmt(m.min, m.unit)}–${fmt(m.max, m.unit)})`;
}

interface Target {
  label: string;
  scenario: string;
  peer: System;
  /** ours ÷ peer must be ≥ min, or ≤ max. */
  min?: number;
  max?: number;
}
const TARGETS: Target[] = [
  {
    label: "one worker process: drain throughput vs node-resque (one Worker)",
    scenario: "drain",
    peer: "node-resque",
    min: 3,
  },
  {
    label: "one worker process: drain throughput vs BullMQ (concurrency 10)",
    scenario: "drain",
    peer: "bullmq",
    min: 2,
  },
  {
    label: "one worker process at concurrency 10: no-op drain vs BullMQ concurrency 10",
    scenario: "drain-c10",
    peer: "bullmq",
    min: 2,
  },
  {
    label: "one worker process at concurrency 10: jobs awaiting 10 ms vs BullMQ concurrency 10",
    scenario: "await10-c10",
    peer: "bullmq",
    min: 0.95,
  },
  { label: "bulk enqueue vs BullMQ addBulk", scenario: "enqueue-bulk", peer: "bullmq", min: 10 },
  { label: "one-at-a-time enqueue vs node-resque", scenario: "enqueue-one", peer: "node-resque", min: 2 },
  { label: "pickup latency p50 vs BullMQ", scenario: "pickup-latency-p50", peer: "bullmq", max: 0.5 },
  { label: "pickup latency p99 vs BullMQ (no worse)", scenario: "pickup-latency-p99", peer: "bullmq", max: 1 },
  { label: "worker peak RSS vs BullMQ", scenario: "worker-peak-rss", peer: "bullmq", max: 0.8 },
];

function report(meta: {
  started: Date;
  seconds: number;
  loadBefore: string;
  loadAfter: string;
  redisVersion: string;
}): string {
  const cols = SYSTEMS_ON;
  const L: string[] = [];
  L.push(`# Resque Admin bench`, "");
  L.push(
    `${meta.started.toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"} · Node ${process.version} · redis-server ${meta.redisVersion} · ` +
      `BENCH_SCALE=${SCALE}, ${REPS} runs per figure: median (min–max) · total ${Math.round(meta.seconds)} s`,
  );
  L.push(`Load average (1/5/15 min) before: ${meta.loadBefore}; after: ${meta.loadAfter}.`, "");
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  L.push(row(["scenario", "unit", ...cols.map((c) => LABEL[c])]));
  L.push(row(["---", "---", ...cols.map(() => "---:")]));
  const lines: [string, string, string][] = [
    ["enqueue-one", `1. enqueue one at a time (N=${N.one})`, "jobs/s"],
    ["enqueue-bulk", `2. bulk enqueue (N=${N.bulk}, ${BATCH} per call)¹`, "jobs/s"],
    ["drain", `3. no-op drain, one worker process (N=${N.drain})²`, "jobs/s"],
    ["drain-c10", `3b. no-op drain, one process at concurrency 10 (N=${N.drain})`, "jobs/s"],
    ["await10-c10", `3c. jobs awaiting 10 ms, one process at concurrency 10 (N=${N.await10})`, "jobs/s"],
    ["pickup-latency-p50", `4. pickup latency p50 (${N.latency} jobs)³`, "ms"],
    ["pickup-latency-p95", "4. pickup latency p95", "ms"],
    ["pickup-latency-p99", "4. pickup latency p99", "ms"],
    ["worker-peak-rss", "5. worker peak RSS (VmHWM after 3)", "MiB"],
  ];
  for (const [sc, label, unit] of lines)
    if (results.some((r) => r.scenario === sc)) L.push(row([label, unit, ...cols.map((c) => cell(sc, c))]));
  const rp = get("redis-benchmark-rpush", "redis");
  const lp = get("redis-benchmark-lpop", "redis");
  const c1 = get("redis-benchmark-rpush-c1", "redis");
  if (rp && lp) {
    L.push("");
    L.push(
      `6. Ceiling, \`redis-benchmark -t rpush,lpop -n ${REDIS_BENCHMARK_N} -q\` (50 parallel clients): RPUSH ${cell("redis-benchmark-rpush", "redis")} req/s, LPOP ${cell("redis-benchmark-lpop", "redis")} req/s.`,
    );
    if (c1)
      L.push(
        `One connection, one request at a time (\`-t rpush -c 1 -n ${REDIS_BENCHMARK_C1_N}\`): ${cell("redis-benchmark-rpush-c1", "redis")} req/s — the ceiling for anything that waits for each reply (scenario 1, and one-job-at-a-time workers).`,
      );
  }
  const cpuRows: [string, string][] = [
    ["enqueue-one", "1. enqueue one at a time"],
    ["enqueue-bulk", "2. bulk enqueue"],
    ["drain", "3. drain (client = the worker process)"],
  ];
  if (cpuRows.some(([sc]) => results.some((r) => r.scenario === `${sc}-cpu-client`))) {
    L.push(
      "",
      "CPU per job over the timed section, µs (client process / redis-server), from /proc/<pid>/stat; wall µs per job = 10⁶ ÷ rate:",
      "",
    );
    L.push(row(["scenario", ...cols.map((c) => `${LABEL[c]}: client / redis / wall`)]));
    L.push(row(["---", ...cols.map(() => "---:")]));
    for (const [sc, label] of cpuRows) {
      if (!results.some((r) => r.scenario === `${sc}-cpu-client`)) continue;
      L.push(
        row([
          label,
          ...cols.map((c) => {
            const a = get(`${sc}-cpu-client`, c);
            const b = get(`${sc}-cpu-redis`, c);
            const r = get(sc, c);
            return a && b && r ? `${a.value.toFixed(1)} / ${b.value.toFixed(1)} / ${(1e6 / r.value).toFixed(1)}` : "—";
          }),
        ]),
      );
    }
  }
  const drainRows = cols
    .map((c) => [c, get("drain", c)?.redisCommandsPerJob as Record<string, number> | undefined] as const)
    .filter(([, v]) => v);
  if (drainRows.length) {
    L.push(
      "",
      "Redis commands per drained job (INFO commandstats over the last drain run; commands inside Lua scripts count too, next to the EVALSHA that ran them):",
      "",
    );
    for (const [c, v] of drainRows)
      L.push(
        `- ${LABEL[c]}: ${Object.entries(v!)
          .map(([k, x]) => `${k} ${x}`)
          .join(", ")}`,
      );
  }
  L.push("");
  if (get("enqueue-bulk", "node-resque"))
    L.push(
      `¹ node-resque has no bulk API: its column is ${BATCH} concurrent \`queue.enqueue\` calls per batch (one MULTI each, written back to back by ioredis).`,
    );
  if (results.some((r) => r.scenario === "drain"))
    L.push(
      `² ours: one Worker, one job at a time (Resque semantics); node-resque: one Worker, poll timeout 5 ms; BullMQ: one Worker, concurrency 10, removeOnComplete. Timed from "go" until stat:processed = N (Resque) or wait+active+prioritized empty (BullMQ), polled every 10 ms; ${WARM.drain} warm-up jobs on another namespace first.`,
    );
  if (results.some((r) => r.scenario.startsWith("pickup-latency")))
    L.push(
      `³ time from just before the enqueue call (producer process) to the start of perform() (worker process), idle worker, one job at a time, 5–20 ms random gap; node-resque polls, so its latency follows its 5 ms poll timeout.`,
    );
  const logText = get("drain-log", "text");
  const logJson = get("drain-log", "json");
  if (logText && logJson) {
    const ratio = logJson.value / logText.value;
    const cpuText = get("drain-log-cpu-client", "text");
    const cpuJson = get("drain-log-cpu-client", "json");
    L.push(
      "",
      `7. Log overhead, no-op drain by our worker (N=${N.drain}), same run: LOG_FORMAT=json ${cell("drain-log", "json")} jobs/s vs text ${cell("drain-log", "text")} jobs/s = **${ratio.toFixed(2)}×** (target ≥ 0.9×, **${ratio >= 0.9 ? "met" : "not met"}**)` +
        (cpuText && cpuJson
          ? `; worker CPU per job ${cpuJson.value.toFixed(1)} vs ${cpuText.value.toFixed(1)} µs.`
          : "."),
    );
    console.log(
      JSON.stringify({
        scenario: "target:drain-log",
        system: "json/text",
        value: Math.round(ratio * 1000) / 1000,
        unit: "ratio",
        required: "≥ 0.9×",
        met: ratio >= 0.9,
      }),
    );
  }
  L.push("", "## Targets (ratio = ours ÷ peer)", "");
  L.push(row(["target", "ours", "peer", "ratio", "required", "result"]));
  L.push(row(["---", "---:", "---:", "---:", "---:", "---"]));
  for (const t of TARGETS) {
    const a = get(t.scenario, "ours");
    const b = get(t.scenario, t.peer);
    if (!a || !b) continue;
    const ratio = a.value / b.value;
    const met = t.min !== undefined ? ratio >= t.min : ratio <= t.max!;
    const req = t.min !== undefined ? `≥ ${t.min}×` : `≤ ${t.max}×`;
    L.push(
      row([
        t.label,
        `${fmt(a.value, a.unit)} ${a.unit}`,
        `${fmt(b.value, b.unit)} ${b.unit}`,
        `${ratio.toFixed(2)}×`,
        req,
        met ? "**met**" : "**not met**",
      ]),
    );
    console.log(
      JSON.stringify({
        scenario: `target:${t.scenario}`,
        system: `ours/${t.peer}`,
        value: Math.round(ratio * 1000) / 1000,
        unit: "ratio",
        required: req,
        met,
      }),
    );
  }
  L.push("");
  return L.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ");
  const loadBefore = load();
  log(
    `scale ${SCALE}: enqueue-one ${N.one}, bulk ${N.bulk}, drain ${N.drain}, latency ${N.latency}; ${REPS} reps; systems ${SYSTEMS_ON.join(",")}; load ${loadBefore}`,
  );
  mkdirSync(OUT_DIR, { recursive: true });
  await bundle();

  let server: RedisServer | undefined;
  const cleanup = async () => {
    await Promise.allSettled([...children].map((c) => c.close()));
    admin?.disconnect();
    if (server) await server.stop();
    server = undefined;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    server = await startRedisServer();
    redisPid = server.child.pid!;
    log(`redis-server pid ${redisPid} on port ${server.port}`);
    clockTicks = Number((await promisify(execFile)("getconf", ["CLK_TCK"])).stdout.trim()) || 100;
    admin = new Redis(server.url, { maxRetriesPerRequest: 3 });
    const info = await admin.info("server");
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? "?";

    const producers = new Map<System, Child>();
    for (const s of SYSTEMS_ON) producers.set(s, await startChild("producers", s, server.port));

    if (SCENARIOS_ON.includes("enqueue-one")) await scenarioEnqueue(producers, "one");
    if (SCENARIOS_ON.includes("enqueue-bulk")) await scenarioEnqueue(producers, "bulk");
    if (SCENARIOS_ON.includes("drain")) await scenarioDrain(producers, server.port);
    if (SCENARIOS_ON.includes("drain-c10")) await scenarioConcurrent(producers, server.port, "drain-c10");
    if (SCENARIOS_ON.includes("await10-c10")) await scenarioConcurrent(producers, server.port, "await10-c10");
    if (SCENARIOS_ON.includes("latency")) await scenarioLatency(producers, server.port);
    if (SCENARIOS_ON.includes("redis-benchmark")) await scenarioRedisBenchmark(server.port);
    if (SCENARIOS_ON.includes("log-overhead")) {
      const producer = producers.get("ours");
      if (!producer) throw new Error("the log-overhead scenario needs ours in BENCH_SYSTEMS");
      await scenarioLogOverhead(producer, server.port);
    }

    for (const p of producers.values()) await p.close();
    const md = report({
      started,
      seconds: (performance.now() - t0) / 1000,
      loadBefore,
      loadAfter: load(),
      redisVersion,
    });
    const file = path.join(OUT_DIR, "results.md");
    writeFileSync(file, md);
    console.log("");
    console.log(md);
    log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
