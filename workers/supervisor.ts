/**
 * The worker supervisor (`npm run queue -- work`): starts `QUEUE_COUNT` worker processes,
 * respawns any that die, relays signals, beats their heartbeats, and replaces them gracefully
 * when `npm run queue -- restart` is published on Redis.
 *
 * When a worker process dies without unregistering (SIGKILL, OOM, a crash), the supervisor sees
 * the exit at once and settles its in-flight job — a dirty-exit failure, or back onto its queue
 * for classes that are safe to re-run — so nothing waits for a heartbeat to expire.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  beat,
  Connection,
  DirtyExitError,
  duplicateClient,
  HEARTBEAT_INTERVAL_SEC,
  slotWorkerId,
  unregisterWorker,
  type JobRegistry,
  type RedisClient,
} from "../lib/resque/index";
import { createClient, describeRedis } from "../lib/redis";
import { workerNodeFlags, type WorkerConfig } from "./config";
import { log, logError } from "./log";
import { startScheduler } from "./scheduler-process";

interface Child {
  proc: ChildProcess;
  /** Its slots' worker ids (one per concurrency slot), slot 0 first. */
  ids: string[];
  startedAt: number;
  ready: boolean;
  /** Asked to leave (restart or shutdown): do not respawn when it exits. */
  retiring: boolean;
}

export interface SupervisorOptions {
  config: WorkerConfig;
  registry: JobRegistry;
  heartbeatIntervalSec?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith(".ts");

/**
 * The worker entry next to this module: the bundle in production, the .ts file under tsx. The
 * bundle runs with --enable-source-maps (esbuild writes linked maps beside it), so a failed job's
 * backtrace names jobs/….ts:line rather than a chunk of dist/workers. The flag must be there when
 * the process starts: process.setSourceMapsEnabled() maps only modules loaded after it, and an ES
 * module's static imports are loaded before its first line runs.
 */
export function workerEntry(cfg: Pick<WorkerConfig, "heapGrowingPercent">): { file: string; execArgv: string[] } {
  const heap = workerNodeFlags(cfg.heapGrowingPercent);
  return fromSource
    ? { file: path.join(here, "resque-worker.ts"), execArgv: ["--import", "tsx", ...heap] }
    : { file: path.join(here, "resque-worker.mjs"), execArgv: ["--enable-source-maps", ...heap] };
}

export class Supervisor {
  private readonly cfg: WorkerConfig;
  private readonly registry: JobRegistry;
  private readonly redis: RedisClient;
  private readonly conn: Connection;
  private subscriber?: RedisClient;
  private readonly children = new Set<Child>();
  private stopping: "graceful" | "now" | null = null;
  private beatTimer?: NodeJS.Timeout;
  private readonly beatMs: number;
  private crashes = 0;
  private scheduler?: { stop: () => Promise<void> };
  private done!: Promise<void>;
  private resolveDone!: () => void;
  readonly id = `${os.hostname()}:${process.pid}`;

  constructor(opts: SupervisorOptions) {
    this.cfg = opts.config;
    this.registry = opts.registry;
    this.redis = createClient(this.cfg.redis, { lazyConnect: false });
    this.redis.on("error", () => {}); // reconnects by itself; failed calls are logged where made
    this.conn = new Connection({ redis: this.redis, namespace: this.cfg.namespace });
    this.beatMs = (opts.heartbeatIntervalSec ?? HEARTBEAT_INTERVAL_SEC) * 1000;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Starts the workers and returns a promise that settles when the supervisor has stopped. */
  async start(): Promise<void> {
    await this.redis.ping();
    if (this.cfg.scheduler) this.scheduler = await startScheduler(this.cfg, this.registry);
    for (let i = 0; i < this.cfg.count; i++) this.spawn();
    this.beatTimer = setInterval(() => void this.beat(), this.beatMs);
    await this.listenForControl();
    await this.record();
    log(
      `supervisor ${this.id}: ${this.cfg.count} worker(s) × ${this.cfg.concurrency} slot(s) on ${this.cfg.queues.join(",")} (namespace ${this.conn.keys.ns || "(none)"}, Redis ${describeRedis(this.cfg.redis)})`,
    );
    return this.done;
  }

  private spawn(): Child {
    const { file, execArgv } = workerEntry(this.cfg);
    const proc = fork(file, ["resque-worker"], {
      execArgv,
      // Own process group: a terminal's Ctrl-C reaches the supervisor, which decides for them.
      detached: true,
      env: { ...process.env, RESQUE_SUPERVISED: "1", WORKER_CONCURRENCY: String(this.cfg.concurrency) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const child: Child = { proc, ids: this.workerIds(proc.pid!), startedAt: Date.now(), ready: false, retiring: false };
    this.children.add(child);
    proc.on("message", (m: { type?: string; id?: string; ids?: string[] }) => {
      if (m.type === "ready") {
        child.ready = true;
        if (Array.isArray(m.ids) && m.ids.length) child.ids = m.ids;
        else if (m.id) child.ids = [m.id];
        void this.beat();
      } else if (m.type === "stopping") child.ready = false;
    });
    proc.on("exit", (code, signal) => void this.onExit(child, code, signal));
    return child;
  }

  private workerIds(pid: number): string[] {
    return Array.from({ length: this.cfg.concurrency }, (_, i) => slotWorkerId(os.hostname(), pid, this.cfg.queues, i));
  }

  private async onExit(child: Child, code: number | null, signal: NodeJS.Signals | null) {
    this.children.delete(child);
    const clean = code === 0 && !signal;
    try {
      // A clean exit unregistered itself; this settles whatever a dirty one left behind, in every
      // slot at once (each slot's job is failed as a dirty exit, or requeued when safe to re-run).
      const results = await Promise.all(
        child.ids.map((id) =>
          unregisterWorker(this.conn, id, {
            registry: this.registry,
            keepPing: true,
            error: new DirtyExitError(
              `Worker process ${child.proc.pid} exited (${signal ?? `code ${code}`}) while processing a job`,
            ),
          }),
        ),
      );
      const settled = results.filter((r) => r.job !== "none");
      if (settled.length)
        log(
          `supervisor: worker ${child.proc.pid} died with ${settled.length} job(s) in flight: ` +
            settled.map((r) => `${r.className ?? "a job"} ${r.job}`).join(", "),
        );
    } catch (e) {
      logError(`supervisor: could not settle worker ${child.ids[0]}: ${(e as Error).message}`, { err: e });
    }
    if (!clean && !child.retiring && !this.stopping)
      log(`supervisor: worker ${child.proc.pid} exited (${signal ?? `code ${code}`}), starting a new one`);
    if (!this.stopping && !child.retiring) {
      const livedMs = Date.now() - child.startedAt;
      this.crashes = livedMs < 5000 ? this.crashes + 1 : 0;
      // A worker that dies at start (bad config, Redis down) is retried with a growing delay.
      const delay = this.crashes > 1 ? Math.min(30_000, 250 * 2 ** (this.crashes - 2)) : 0;
      setTimeout(() => {
        if (!this.stopping) this.spawn();
      }, delay);
    }
    if (this.stopping && this.children.size === 0) await this.finish();
  }

  private async beat() {
    const ids = [...this.children].filter((c) => c.ready).flatMap((c) => c.ids);
    try {
      const again = await beat(this.conn, ids);
      for (const id of again)
        log(`supervisor: worker ${id} had been removed from the registry by another pruner; re-registered`);
      await this.record();
    } catch (e) {
      logError(`supervisor: heartbeat failed: ${(e as Error).message}`, { err: e });
    }
  }

  /** The supervisor's own entry, for `status` and the dashboard. */
  private async record() {
    const entry = {
      host: os.hostname(),
      pid: process.pid,
      queues: this.cfg.queues,
      count: this.cfg.count,
      concurrency: this.cfg.concurrency,
      workers: [...this.children].map((c) => c.proc.pid),
      beatAt: new Date().toISOString(),
    };
    await this.redis.hset(this.conn.keys.supervisors, this.id, JSON.stringify(entry));
  }

  private async listenForControl() {
    this.subscriber = duplicateClient(this.redis);
    this.subscriber.on("error", () => {});
    this.subscriber.on("message", (_channel, message: string) => {
      let cmd: { cmd?: string };
      try {
        cmd = JSON.parse(message) as { cmd?: string };
      } catch {
        return;
      }
      if (cmd.cmd === "restart") this.restart();
    });
    await this.subscriber.subscribe(this.conn.keys.control);
  }

  /** New workers start at once; the old ones finish their current job (QUIT) and leave. */
  restart() {
    if (this.stopping) return;
    const old = [...this.children].filter((c) => !c.retiring);
    log(`supervisor ${this.id}: restarting ${old.length} worker(s)`);
    for (const c of old) {
      c.retiring = true;
      this.spawn();
      c.proc.kill("SIGQUIT");
    }
  }

  /** Relays USR2 (pause) and CONT (resume) to every worker. */
  relay(signal: NodeJS.Signals) {
    for (const c of this.children) c.proc.kill(signal);
  }

  /** QUIT: workers finish their jobs. TERM/INT: workers stop now, jobs in flight settled as dirty exits. */
  async stop(mode: "graceful" | "now") {
    if (this.stopping === "now" || this.stopping === mode) return this.done;
    this.stopping = mode;
    log(`supervisor ${this.id}: stopping (${mode === "now" ? "now" : "after current jobs"})`);
    if (this.children.size === 0) await this.finish();
    for (const c of this.children) {
      c.retiring = true;
      c.proc.kill(mode === "now" ? "SIGTERM" : "SIGQUIT");
    }
    if (mode === "now") {
      // A worker stuck in a synchronous job cannot run its TERM handler: kill it; onExit settles its job.
      setTimeout(() => this.children.forEach((c) => c.proc.kill("SIGKILL")), 10_000).unref();
    }
    return this.done;
  }

  private finished = false;
  private async finish() {
    if (this.finished) return;
    this.finished = true;
    await this.scheduler
      ?.stop()
      .catch((e: Error) => logError(`supervisor: scheduler stop failed: ${e.message}`, { err: e }));
    if (this.beatTimer) clearInterval(this.beatTimer);
    try {
      await this.redis.hdel(this.conn.keys.supervisors, this.id);
    } catch {
      /* Redis away: the entry's beatAt goes stale and shows as such */
    }
    this.subscriber?.disconnect();
    this.redis.disconnect();
    log(`supervisor ${this.id}: stopped`);
    this.resolveDone();
  }
}
