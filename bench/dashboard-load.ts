/**
 * The dashboard bench's load (bench/dashboard.ts scenario `dashboard-load`), run as a separate
 * process so its own event loop and GC do not slow the server's measurements: `clients`
 * simulated browsers, each GETting every path of `paths` (together, as one tab's panels would)
 * once a second with the read-only API token, starts spread over the first second. Runs until
 * the parent sends "stop", then replies with every sample and failure over IPC ("reset" forgets
 * what was counted so far, at the end of the warm-up).
 *
 * argv: a JSON {url, token, clients, paths, periodMs}.
 */
import { timedGet } from "./lib/latency.js";

interface Config {
  url: string;
  token: string;
  clients: number;
  paths: string[];
  periodMs: number;
}
export interface LoadResult {
  /** Per path: latency of every completed 2xx request, ms. */
  ms: Record<string, number[]>;
  /** Requests that were not 2xx or did not complete. */
  failures: number;
  /** The same, counted by path and what happened ("HTTP 503", "The operation was aborted due to timeout"). */
  failureKinds: Record<string, number>;
  requests: number;
  seconds: number;
}

if (!process.send) throw new Error("bench/dashboard-load.ts is started by bench/dashboard.ts (IPC channel missing)");
const cfg = JSON.parse(process.argv[2] ?? "{}") as Config;
const result: LoadResult = {
  ms: Object.fromEntries(cfg.paths.map((p) => [p, []])),
  failures: 0,
  failureKinds: {},
  requests: 0,
  seconds: 0,
};
let stopping = false;
let inFlight = 0;
const REQUEST_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(i: number): Promise<void> {
  await sleep((i * cfg.periodMs) / cfg.clients);
  while (!stopping) {
    const t0 = performance.now();
    await Promise.all(
      cfg.paths.map(async (p) => {
        // The dashboard's own polls give up after 5 s (components/resque/live-control.tsx).
        inFlight++;
        const r = await timedGet(cfg.url + p, cfg.token, { timeoutMs: REQUEST_TIMEOUT_MS });
        inFlight--;
        result.requests++;
        if (r.status >= 200 && r.status < 300) result.ms[p]!.push(r.ms);
        else {
          result.failures++;
          const kind = `${p}: ${r.error ?? `HTTP ${r.status}`}`;
          result.failureKinds[kind] = (result.failureKinds[kind] ?? 0) + 1;
        }
      }),
    );
    await sleep(Math.max(0, cfg.periodMs - (performance.now() - t0)));
  }
}

let countedFrom = performance.now();
const running = Array.from({ length: cfg.clients }, (_, i) => client(i));
process.on("message", (m) => {
  if (m === "reset") {
    // The warm-up is over: count from here (first connections and JIT are not the steady state).
    for (const p of cfg.paths) result.ms[p] = [];
    result.failures = 0;
    result.failureKinds = {};
    result.requests = 0;
    countedFrom = performance.now();
    return;
  }
  if (m !== "stop" || stopping) return;
  stopping = true;
  // In-flight polls finish and count; no new ones start. One that has not settled a second
  // after its own timeout is counted as failed rather than holding the report back.
  let replied = false;
  const reply = () => {
    if (replied) return;
    replied = true;
    result.seconds = (performance.now() - countedFrom) / 1000;
    if (inFlight > 0) {
      result.failures += inFlight;
      result.requests += inFlight;
      result.failureKinds["still pending at the end"] = inFlight;
    }
    process.send!(result, () => process.exit(0));
  };
  const late = setTimeout(reply, REQUEST_TIMEOUT_MS + 1000);
  void Promise.all(running).then(() => {
    clearTimeout(late);
    reply();
  });
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "started", pid: process.pid });
