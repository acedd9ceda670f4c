/**
 * Latency samples for the dashboard bench (bench/dashboard.ts and its load process): one timed
 * GET, and the nearest-rank percentiles every table in dashboard.md reports.
 */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50/p95/p99/max in ms, rounded to 0.1 ms; NaNs for an empty sample. */
export function summarize(ms: number[]): Summary {
  if (ms.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(ms).sort();
  const r = (v: number) => Math.round(v * 10) / 10;
  const arr = Array.from(s);
  return {
    n: ms.length,
    p50: r(rank(arr, 50)),
    p95: r(rank(arr, 95)),
    p99: r(rank(arr, 99)),
    max: r(arr[arr.length - 1]!),
  };
}

export interface TimedResponse {
  ms: number;
  status: number;
  contentType: string | null;
  /** Set when the request did not complete (refused, reset, timed out). */
  error?: string;
  /** The body text, kept only when asked for (probes), so the timed loop holds no bodies. */
  body?: string;
}

/**
 * One GET with the read-only API token, timed from the call to the last body byte, as a
 * browser's poll experiences it (keep-alive connection reused, body fully read).
 */
export async function timedGet(
  url: string,
  token: string,
  opts: { timeoutMs?: number; keepBody?: boolean } = {},
): Promise<TimedResponse> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // A timer holding its own controller, not AbortSignal.timeout(): under load a poll was seen
  // never settling with no socket open, which a signal nobody references any more would explain.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
      redirect: "manual",
    });
    const body = await res.text();
    return {
      ms: performance.now() - t0,
      status: res.status,
      contentType: res.headers.get("content-type"),
      ...(opts.keepBody ? { body } : {}),
    };
  } catch (e) {
    return { ms: performance.now() - t0, status: 0, contentType: null, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
