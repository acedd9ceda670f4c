import { getStats, listQueues, listWorkers } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";

export const dynamic = "force-dynamic";

/** Machine-readable status: the same numbers as `npm run queue -- status --json`. */
export async function GET() {
  try {
    const conn = getConnection();
    const [stats, queues, workers] = await Promise.all([getStats(conn), listQueues(conn), listWorkers(conn)]);
    return Response.json({ stats, queues, workers });
  } catch (e) {
    return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
  }
}
