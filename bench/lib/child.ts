/**
 * Child-side helpers: answer the orchestrator's requests over IPC, host one worker at a time,
 * and report pickup latency from inside perform().
 */
import { nowMs, NS_BENCH, NS_WARM, type ChildEvent, type JobArgs, type Reply, type Request } from "./common.js";

type Handler = (req: Request) => Promise<Record<string, unknown> | void>;

function send(msg: Reply | ChildEvent): void {
  process.send?.(msg);
}

/** Serves `handlers` by name; `exit` is built in. Announces itself with a `loaded` event. */
export function serve(handlers: Record<string, Handler>, onExit?: () => Promise<void>): void {
  if (!process.send) throw new Error("bench child entry points must be started by bench/run.ts (IPC channel missing)");
  process.on("message", (raw) => {
    const req = raw as Request;
    if (req.cmd === "exit") {
      const done = () => process.send!({ id: req.id, ok: true } satisfies Reply, () => process.exit(0));
      (onExit ? onExit() : Promise.resolve()).then(done, done);
      return;
    }
    const h = handlers[req.cmd];
    if (!h) return send({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
    h(req).then(
      (r) => send({ id: req.id, ok: true, ...(r ?? {}) }),
      (e: unknown) => send({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  // The orchestrator died: don't linger.
  process.on("disconnect", () => process.exit(0));
  send({ type: "loaded", pid: process.pid, execArgv: process.execArgv });
}

/** Runs `fn` and returns its duration in ms (performance.now). */
export async function timed(fn: () => Promise<void>): Promise<{ ms: number }> {
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0 };
}

/** Called at the start of perform(): latency jobs carry `t`; no-op jobs cost one property read. */
export function reportPickup(args: JobArgs | undefined): void {
  if (args && typeof args.t === "number") send({ type: "lat", i: args.i, ms: nowMs() - args.t });
}

export interface RunningWorker {
  stop(): Promise<void>;
}
export interface WorkerSystem {
  /** Starts a worker on the bench queue under namespace/prefix `ns`; `onDone` once per finished job. */
  start(ns: string, onDone: () => void): Promise<RunningWorker>;
}

/**
 * Worker child protocol:
 * - `warm {n}`: run a worker on the warm-up namespace (pre-filled by the orchestrator) until
 *   it has finished n jobs, then stop it — JIT and connections warm, measured namespace untouched.
 * - `go`: start the measured worker on the bench namespace.
 * - `stop`: stop it gracefully; replies with the number of jobs it finished.
 */
export function hostWorker(sys: WorkerSystem): void {
  let completed = 0;
  let target = Infinity;
  let reached: (() => void) | undefined;
  const onDone = () => {
    completed++;
    if (completed >= target) reached?.();
  };
  let current: RunningWorker | undefined;
  const stopCurrent = async () => {
    const w = current;
    current = undefined;
    if (w) await w.stop();
  };
  serve(
    {
      async warm(req) {
        completed = 0;
        target = Number(req.n);
        const done = new Promise<void>((r) => (reached = r));
        const w = await sys.start(NS_WARM, onDone);
        if (completed < target) await done;
        await w.stop();
        reached = undefined;
        target = Infinity;
        return { completed };
      },
      async go() {
        completed = 0;
        current = await sys.start(NS_BENCH, onDone);
      },
      async stop() {
        await stopCurrent();
        return { completed };
      },
    },
    stopCurrent,
  );
  const onSignal = () => {
    stopCurrent().finally(() => process.exit(0));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

export interface ProducerSystem {
  /** Enqueues jobs {i} for i in [0, n) one at a time, each awaited before the next. */
  one(ns: string, n: number): Promise<void>;
  /** Enqueues jobs {i} for i in [0, n) in batches of `batch` (or the peer's nearest equivalent). */
  bulk(ns: string, n: number, batch: number): Promise<void>;
  /** Enqueues one job {i, t}; t = nowMs() taken just before the enqueue call. */
  latency(ns: string, i: number): Promise<void>;
  /** Untimed pre-fill before a worker scenario; defaults to `bulk`. */
  prefill?(ns: string, n: number, batch: number): Promise<void>;
  close(): Promise<void>;
}

/** Producer child protocol: `one`, `bulk` (both reply with {ms}), `latency`, `prefill`. */
export function hostProducer(sys: ProducerSystem): void {
  serve(
    {
      one: (req) => timed(() => sys.one(String(req.ns), Number(req.n))),
      bulk: (req) => timed(() => sys.bulk(String(req.ns), Number(req.n), Number(req.batch))),
      latency: (req) => sys.latency(String(req.ns), Number(req.i)),
      prefill: (req) => (sys.prefill ?? sys.bulk).call(sys, String(req.ns), Number(req.n), Number(req.batch)),
    },
    () => sys.close(),
  );
}
