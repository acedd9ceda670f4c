import { readOnlyJsonRoute } from "../../../json-route";
import { queuePageParams, readQueueJobs } from "../../../(dashboard)/queues/data";

export const dynamic = "force-dynamic";

/**
 * One page of a queue's pending jobs as JSON (`?page=1&perPage=20`, 20/50/100), polled by the
 * queue page; 404 when no such queue is registered. A session or the read-only API token.
 */
export const GET = readOnlyJsonRoute(async (req, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  const sp = new URL(req.url).searchParams;
  const data = await readQueueJobs(name, queuePageParams(sp.get("page"), sp.get("perPage")));
  return data ?? Response.json({ error: `No queue named ${JSON.stringify(name)}` }, { status: 404 });
});
