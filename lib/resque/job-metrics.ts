/**
 * What our workers record about each job they settle, for /metrics (docs/resque-protocol.md#metrics):
 * counts per queue and per class and a duration histogram per class, kept in `tsq:metrics:*`
 * hashes by the same Lua call that settles the job, because the web process that serves /metrics
 * is not the worker. Labels stay bounded: a class is named only when the registry knows it.
 */
import type { JobRegistry } from "./job";

/** Upper bounds (seconds) of the duration buckets; `+Inf` is implied. Fixed so every worker writes the same fields. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800] as const;

/** Class label of a job whose class is not registered here (unknown or unreadable payload). */
export const UNKNOWN_CLASS = "(unknown)";

/** The bucket a duration falls in, as the field prefix the Lua writes (`+Inf` past the last bound). */
export function bucketOf(seconds: number): string {
  for (const le of DURATION_BUCKETS) if (seconds <= le) return String(le);
  return "+Inf";
}

/** ARGV the settling scripts take for the metrics: queue, class, duration (whole µs), bucket. */
export function jobMetricArgs(
  registry: JobRegistry,
  queue: string,
  className: string | undefined,
  startedMs: number,
  endedMs: number,
): string[] {
  const seconds = Math.max(0, (endedMs - startedMs) / 1000);
  const cls = className && registry.get(className) ? className : UNKNOWN_CLASS;
  return [queue, cls, String(Math.round(seconds * 1e6)), bucketOf(seconds)];
}
