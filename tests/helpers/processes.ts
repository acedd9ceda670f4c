/**
 * Runs the real worker bundle (`dist/workers/cli.mjs`) as tests' child processes, and ends only
 * the processes a test started, by pid.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const CLI = path.join(ROOT, "dist", "workers", "cli.mjs");
/** What `npm run queue` runs: rebuilds the bundle when stale, then calls its main and exits. */
export const QUEUE_SCRIPT = path.join(ROOT, "scripts", "queue.mjs");
export const TEST_JOBS = path.join(ROOT, "tests", "helpers", "test-jobs.mjs");

export function cliEnv(redisUrl: string, namespace: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    RESQUE_NAMESPACE: namespace,
    APP_INCLUDE: TEST_JOBS,
    INTERVAL: "1",
    ...extra,
  };
  delete env.QUEUE_ENV;
  delete env.PREFIX;
  return env;
}

/**
 * Runs a CLI command to completion in a process of its own (the bundle's entry). One-shot
 * commands that need no process of their own run faster through ./cli.ts's runCliInProcess.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string, entry: string = CLI) {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: ROOT, env, input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command through `npm run queue`'s entry, scripts/queue.mjs. */
export function runQueueScript(args: string[], env: NodeJS.ProcessEnv) {
  return runCli(args, env, undefined, QUEUE_SCRIPT);
}

export interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  /**
   * SIGKILL of the process and of its children (a supervisor's workers, each in a process group
   * of its own): a test's teardown. Killing only the supervisor leaves a worker whose job never
   * ends (a BlockJob whose test failed before releasing it) running after the run.
   */
  killTree(): void;
}

/** The pids of `pid`'s children (Linux's /proc/<pid>/task/<pid>/children; none once it is gone). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * `command args` as a process whose os.hostname() is `hostname` (unchanged without one): a UTS
 * namespace of its own (`unshare --uts`, root only), so one machine plays several hosts. The
 * shell execs, so the pid returned by spawn is the program's own.
 */
export function onHost(hostname: string | undefined, command: string, args: string[]): [string, string[]] {
  if (!hostname) return [command, args];
  return ["unshare", ["--uts", "sh", "-c", 'hostname "$0" && exec "$@"', hostname, command, ...args]];
}

/** Starts a long-running CLI command (the supervisor), on `opts.hostname` when given (onHost). */
export function startCli(args: string[], env: NodeJS.ProcessEnv, opts: { hostname?: string } = {}): Running {
  const [command, argv] = onHost(opts.hostname, process.execPath, [CLI, ...args]);
  const proc = spawn(command, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    output: () => out,
    exited,
    kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    killTree() {
      if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
      for (const child of childPids(proc.pid)) {
        try {
          process.kill(child, "SIGKILL");
        } catch {
          // already gone
        }
      }
      proc.kill("SIGKILL");
    },
  };
}

/** Live pids among `pids` (for checking that worker children are gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
