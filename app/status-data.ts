import { getStats, listQueues, listWorkers } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { StatusData } from "@/components/resque/overview";

/** What the overview and /api/status show: one read of stats, queues and workers. */
export async function readStatus(): Promise<StatusData> {
  const conn = getConnection();
  const [stats, queues, workers] = await Promise.all([getStats(conn), listQueues(conn), listWorkers(conn)]);
  return { stats, queues, workers };
}
