/**
 * node-resque (9.x, with its own bundled ioredis 5) on the test redis-server: a Queue and a
 * Worker bound to one test namespace, errors collected instead of thrown, and a stop function
 * for each so tests end exactly what they started.
 */
import { Queue, Worker, type Jobs } from "node-resque";
import { inject } from "vitest";

/** node-resque connection options for the globalSetup's redis-server; `namespace` without trailing colon. */
export function nodeConnection(namespace: string) {
  const url = new URL(inject("redisUrl"));
  return { host: url.hostname, port: Number(url.port), namespace };
}

export interface NodeHandle<T> {
  it: T;
  /** Every "error" event seen (an EventEmitter "error" without a listener would throw). */
  errors: unknown[];
  stop(): Promise<void>;
}

export async function startNodeQueue(namespace: string, jobs: Jobs = {}): Promise<NodeHandle<Queue>> {
  const queue = new Queue({ connection: nodeConnection(namespace) }, jobs);
  const errors: unknown[] = [];
  queue.on("error", (e) => errors.push(e));
  await queue.connect();
  let stopped = false;
  return {
    it: queue,
    errors,
    async stop() {
      if (stopped) return;
      stopped = true;
      await queue.end();
    },
  };
}

/**
 * A started node-resque Worker polling every `timeoutMs` (also its ping interval). `stop`
 * waits for the job in flight (node-resque's `end()`), so a test must release any job it holds.
 */
export async function startNodeWorker(
  namespace: string,
  queues: string[],
  jobs: Jobs,
  timeoutMs = 50,
): Promise<NodeHandle<Worker>> {
  const worker = new Worker({ connection: nodeConnection(namespace), queues, timeout: timeoutMs }, jobs);
  const errors: unknown[] = [];
  worker.on("error", (e) => errors.push(e));
  await worker.connect();
  await worker.start();
  let stopped = false;
  return {
    it: worker,
    errors,
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.end();
    },
  };
}
