import {
  assertQueueName,
  clipQueuedJob,
  getPauseState,
  InvalidQueueNameError,
  listQueueNames,
  listQueues,
  listWorkers,
  LIST_CLIP,
  peekQueue,
  QUEUE_SEARCH_WINDOW,
  resolveQueues,
  searchQueue,
} from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { QueueJobsData, QueuesData } from "@/lib/dashboard/contracts";

/** What the Queues page and GET /api/queues show: queues, which have no worker, and the pause switches. */
export async function readQueues(): Promise<QueuesData> {
  const conn = getConnection();
  const [queues, workers, pause] = await Promise.all([listQueues(conn), listWorkers(conn), getPauseState(conn)]);
  const names = queues.map((q) => q.name);
  const watched = new Set(workers.flatMap((w) => resolveQueues(w.queues, names)));
  return { queues, noWorker: names.filter((n) => !watched.has(n)), pause };
}

/** Longest search text a queue's page takes (`?q=`): it only ever matches as a substring. */
export const MAX_QUEUE_SEARCH = 200;

/**
 * What a queue's page and GET /api/queues/[name] show: one page of pending jobs (or, with `q`,
 * of the jobs among the first QUEUE_SEARCH_WINDOW that contain it) and the pause switches. Null
 * when the name is not a registered queue (both answer 404). O(queues + perPage), or
 * O(queues + window) for a search.
 */
export async function readQueueJobs(
  name: string,
  paging: { page: number; perPage: number },
  q?: string | null,
): Promise<QueueJobsData | null> {
  try {
    assertQueueName(name);
  } catch (e) {
    if (e instanceof InvalidQueueNameError) return null;
    throw e;
  }
  const conn = getConnection();
  if (!(await listQueueNames(conn)).includes(name)) return null;
  const text = q?.trim().slice(0, MAX_QUEUE_SEARCH) ?? "";
  const [jobs, pause] = await Promise.all([
    text ? searchQueue(conn, name, text, paging) : peekQueue(conn, name, paging),
    getPauseState(conn),
  ]);
  const items = jobs.items.map((job) => clipQueuedJob(job, LIST_CLIP));
  return {
    queue: name,
    paused: pause.queues.includes(name),
    pause,
    jobs: { ...jobs, items },
    ...(text ? { search: { q: text, window: QUEUE_SEARCH_WINDOW } } : {}),
  };
}
