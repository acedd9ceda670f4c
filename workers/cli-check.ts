/**
 * `status --check`: for cron, systemd and Kubernetes probes (docs/monitoring.md#status-check).
 * Exit 0 and "ok", or exit 1 with one line per problem.
 */
import type { Connection } from "../lib/resque/index";
import { leaderless, readHealth, staleQueues, unservedQueues } from "../lib/resque/admin/problems";
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
  const h = await readHealth(conn);
  const problems = unservedQueues(h).map((q) => `queue ${q.name}: ${q.size} job(s) and no live worker`);
  if (opts.maxAgeSec !== undefined)
    for (const q of staleQueues(h, opts.maxAgeSec))
      problems.push(
        `queue ${q.name}: oldest job is ${Math.round(q.ageSec)}s old (more than --max-age ${opts.maxAgeSec}s)`,
      );
  const noLeader = leaderless(h, opts.lockTimeoutSec);
  if (noLeader)
    problems.push(
      noLeader.tickAgeSec === null
        ? "scheduler: no leader, and no scheduler has ever ticked"
        : `scheduler: no leader for ${Math.round(noLeader.tickAgeSec)}s (LOCK_TIMEOUT is ${opts.lockTimeoutSec}s)`,
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
