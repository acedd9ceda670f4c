/**
 * Shared by the bench orchestrator (bench/run.ts) and the child entry points it bundles:
 * names, the clock, and the tiny IPC request/reply protocol.
 */

/** Queue name used by every system. */
export const QUEUE = "bench";
/** Namespace / prefix of the measured run, and of the warm-up run that precedes it. */
export const NS_BENCH = "bench";
export const NS_WARM = "benchwarm";

export const SYSTEMS = ["ours", "node-resque", "bullmq"] as const;
export type System = (typeof SYSTEMS)[number];

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on
 * the same machine (both derive from the same realtime clock at process start).
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The middle value (the mean of the two middle ones for an even count): every bench's summary of its reps. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Parent → child. */
export interface Request {
  id: number;
  cmd: string;
  [k: string]: unknown;
}

/** Child → parent: a reply (has `id`) or an event (has `type`). */
export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  [k: string]: unknown;
}
export interface ChildEvent {
  /** `exit` is synthesised by the parent when the child process ends. */
  type: "loaded" | "lat" | "exit";
  [k: string]: unknown;
}

/** Latency job args carry `t` (nowMs() just before the enqueue call) and `i`. */
export interface JobArgs {
  i: number;
  t?: number;
}
