import {
  clipWorker,
  getHourlyHistory,
  getSchedulerHealth,
  getStats,
  listQueues,
  listWorkers,
  listWorking,
  LIST_CLIP,
  normalizePage,
  rollUpDays,
  validTimeZone,
} from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { HistoryData, StatusData, WorkersData, WorkingData } from "@/lib/dashboard/contracts";

/** What the overview and /api/status show: one read of stats, queues, workers and the scheduler's health. */
export async function readStatus(): Promise<StatusData> {
  const conn = getConnection();
  const [stats, queues, workers, scheduler] = await Promise.all([
    getStats(conn),
    listQueues(conn),
    listWorkers(conn),
    getSchedulerHealth(conn),
  ]);
  return { stats, queues, workers: workers.map((w) => clipWorker(w, LIST_CLIP)), scheduler };
}

async function redisNowMs(): Promise<number> {
  const [sec, usec] = await getConnection().redis.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}

/** The Workers page and /api/workers: every registered worker, with the Redis clock to age their dates by. */
export async function readWorkers(): Promise<WorkersData> {
  const [workers, redisTimeMs] = await Promise.all([listWorkers(getConnection()), redisNowMs()]);
  return { workers: workers.map((w) => clipWorker(w, LIST_CLIP)), redisTimeMs };
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
