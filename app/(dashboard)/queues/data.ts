import { getPauseState, listQueues, listWorkers, resolveQueues } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { QueuesData } from "@/components/resque/queues-list";

/** What the Queues page and GET /api/queues show: queues, which have no worker, and the pause switches. */
export async function readQueues(): Promise<QueuesData> {
  const conn = getConnection();
  const [queues, workers, pause] = await Promise.all([listQueues(conn), listWorkers(conn), getPauseState(conn)]);
  const names = queues.map((q) => q.name);
  const watched = new Set(workers.flatMap((w) => resolveQueues(w.queues, names)));
  return { queues, noWorker: names.filter((n) => !watched.has(n)), pause };
}
