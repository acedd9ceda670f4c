/**
 * `status --check`: for cron, systemd and Kubernetes probes (docs/monitoring.md#status-check).
 * Exit 0 and "ok", or exit 1 with one line per problem.
 */
import { listWorkers, resolveQueues, type Connection } from "../lib/resque/index";
import { readEngineMetrics } from "../lib/resque/admin/metrics";
import { println, UsageError } from "./cli-common";

export interface CheckOptions {
  /** Scheduler leader lock lifetime (LOCK_TIMEOUT), seconds. */
  lockTimeoutSec: number;
  /** A queue whose head job is older than this many seconds is a problem; undefined = off. */
  maxAgeSec?: number;
}

/** `--max-age <seconds>` as a number, or undefined when absent. */
export function maxAgeFlag(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n <= 0) throw new UsageError("--max-age needs a number of seconds > 0");
  return n;
}

/** The problems, one sentence each; empty when all is well. */
export async function findProblems(conn: Connection, opts: CheckOptions): Promise<string[]> {
  const [m, workers] = await Promise.all([readEngineMetrics(conn), listWorkers(conn)]);
  const names = m.queues.map((q) => q.name);
  const served = new Set(workers.filter((w) => w.liveness === "alive").flatMap((w) => resolveQueues(w.queues, names)));
  const problems: string[] = [];
  for (const q of m.queues) {
    if (q.size > 0 && !served.has(q.name)) problems.push(`queue ${q.name}: ${q.size} job(s) and no live worker`);
    if (opts.maxAgeSec !== undefined && q.oldestAgeSec !== null && q.oldestAgeSec > opts.maxAgeSec)
      problems.push(
        `queue ${q.name}: oldest job is ${Math.round(q.oldestAgeSec)}s old (more than --max-age ${opts.maxAgeSec}s)`,
      );
  }
  // The lock outlives a dead leader by up to LOCK_TIMEOUT: only a missing lock AND no tick within
  // LOCK_TIMEOUT means the scheduler has been leaderless for longer than that.
  const tickAge = m.schedulerLastTickAgeSec;
  if (!m.schedulerLeader && (tickAge === null || tickAge > opts.lockTimeoutSec))
    problems.push(
      tickAge === null
        ? "scheduler: no leader, and no scheduler has ever ticked"
        : `scheduler: no leader for ${Math.round(tickAge)}s (LOCK_TIMEOUT is ${opts.lockTimeoutSec}s)`,
    );
  return problems;
}

/** Prints "ok" or the problems; returns the exit code. */
export async function statusCheck(conn: Connection, opts: CheckOptions, out: NodeJS.WritableStream): Promise<number> {
  const problems = await findProblems(conn, opts);
  if (problems.length === 0) {
    println(out, "ok");
    return 0;
  }
  for (const p of problems) println(out, p);
  return 1;
}
