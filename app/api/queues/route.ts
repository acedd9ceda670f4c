import { guardRoute } from "../../auth";
import { readQueues } from "../../(dashboard)/queues/data";

export const dynamic = "force-dynamic";

/**
 * Queues as JSON, polled by the Queues page: every registered queue (size, latency, paused), the
 * names no registered worker listens on, and the pause switches. A session or the read-only API token.
 */
export async function GET(req: Request) {
  const refused = await guardRoute(req);
  if (refused) return refused;
  try {
    return Response.json(await readQueues());
  } catch (e) {
    return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
  }
}
