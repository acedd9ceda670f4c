import {
  clipFailedJob,
  clipWorker,
  getHourlyHistory,
  getPauseState,
  getRecentSamples,
  getWorker,
  getSchedulerHealth,
  getStats,
  listQueues,
  listWorkers,
  listWorkerFailures,
  listWorking,
  LIST_CLIP,
  normalizePage,
  rollUpDays,
  validTimeZone,
} from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { HistoryData, StatusData, WorkerData, WorkersData, WorkingData } from "@/lib/dashboard/contracts";

/** What the overview and /api/status show: one read of stats, queues, workers and the scheduler's health. */
export async function readStatus(): Promise<StatusData> {
  const conn = getConnection();
  const [stats, queues, workers, scheduler, pause] = await Promise.all([
    getStats(conn),
    listQueues(conn),
    listWorkers(conn),
    getSchedulerHealth(conn),
    getPauseState(conn),
  ]);
  return { stats, queues, workers: workers.map((w) => clipWorker(w, LIST_CLIP)), scheduler, pause };
}

async function redisNowMs(): Promise<number> {
  const [sec, usec] = await getConnection().redis.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}

/** The Workers page and /api/workers: every registered worker, with the Redis clock to age their dates by. */
export async function readWorkers(): Promise<WorkersData> {
  const conn = getConnection();
  const [workers, pause, redisTimeMs] = await Promise.all([listWorkers(conn), getPauseState(conn), redisNowMs()]);
  return { workers: workers.map((w) => clipWorker(w, LIST_CLIP)), pause, redisTimeMs };
}

/** Longest worker id a worker page looks up: ids are short; this bounds what a URL makes Redis compare. */
export const MAX_WORKER_ID = 1000;

/**
 * A worker's page and GET /api/workers/[id]: its record (null when not registered) and its newest
 * failures among the newest WORKER_FAILURES_WINDOW records. Null for an id no worker could have
 * (empty or longer than MAX_WORKER_ID). 2 round trips for the record, ≤ 2 for the failures.
 */
export async function readWorker(id: string): Promise<WorkerData | null> {
  if (id.length === 0 || id.length > MAX_WORKER_ID) return null;
  const conn = getConnection();
  const [worker, failures, redisTimeMs] = await Promise.all([
    getWorker(conn, id),
    listWorkerFailures(conn, id),
    redisNowMs(),
  ]);
  return {
    id,
    worker: worker && clipWorker(worker, LIST_CLIP),
    failures: failures.items.map((f) => clipFailedJob(f, LIST_CLIP)),
    failuresWindow: failures.window,
    redisTimeMs,
  };
}

/**
 * The Working page and /api/working: one page of the jobs being worked now, longest-running first.
 * Costs what listWorkers costs (O(workers), 2 round trips): the page is cut from the worker set,
 * which is as large as the deployment, not as the data.
 */
export async function readWorking(opts: { page: number; perPage: number }): Promise<WorkingData> {
  const [all, redisTimeMs] = await Promise.all([listWorking(getConnection()), redisNowMs()]);
  const { perPage } = normalizePage(opts);
  // A page past the end (the list shrank since the link was drawn) shows the last page instead.
  const { page, start } = normalizePage({
    perPage,
    page: Math.min(opts.page, Math.max(1, Math.ceil(all.length / perPage))),
  });
  return {
    working: {
      page,
      perPage,
      total: all.length,
      items: all.slice(start, start + perPage).map((w) => clipWorker(w, LIST_CLIP)),
    },
    redisTimeMs,
  };
}

/** Hours read for the history chart: 30 whole days in any zone, plus today. */
const HISTORY_HOURS = 31 * 24;

/** The overview's history chart and /api/history: the last 48 hours, and the last 30 days in `timeZone`. */
export async function readHistory(timeZone: string | null): Promise<HistoryData> {
  const tz = validTimeZone(timeZone);
  const hourly = await getHourlyHistory(getConnection(), { hours: HISTORY_HOURS });
  return { timeZone: tz, hours: hourly.slice(-48), days: rollUpDays(hourly, tz, 30) };
}

/** The overview's realtime chart, first paint only: the sampler's newest samples (1 round trip). */
export async function readRecentSamples() {
  return getRecentSamples(getConnection());
}
