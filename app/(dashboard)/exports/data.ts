import { getDb, listExports } from "@/lib/db";
import { pagingFrom } from "@/lib/dashboard/paging";
import type { ExportsData } from "@/lib/dashboard/contracts";
import { getConnection } from "@/lib/redis";
import { getPauseState } from "@/lib/resque/index";
import { BatchExportJob } from "@/jobs/batch-export-job";

/**
 * One page of exports, newest first: what the Exports page draws and /api/exports answers. When
 * one on the page is queued, also whether its queue is paused (one getPauseState, 2 round trips),
 * so "Queued" does not look like a hang.
 */
export async function readExports(query: URLSearchParams): Promise<ExportsData> {
  const page = await listExports(
    await getDb(),
    pagingFrom((n) => query.get(n)),
  );
  if (!page.items.some((e) => e.status === "queued")) return { ...page, waiting: null };
  const queue = BatchExportJob.queue;
  // The list is the database's; Redis being down must not hide it, only the reason for waiting.
  const pause = await getPauseState(getConnection()).catch(() => null);
  const reason = pause?.all ? "all-paused" : pause?.queues.includes(queue) ? "queue-paused" : null;
  return { ...page, waiting: reason ? { queue, reason } : null };
}
