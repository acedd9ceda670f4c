import { readOnlyJsonRoute } from "../../../json-route";
import { readQueueJobs } from "../../../(dashboard)/queues/data";
import { pagingFrom } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

/**
 * One page of a queue's pending jobs as JSON (`?page=1&per=20`, 20/50/100; `&q=` searches the
 * first 5,000 from the head), polled by the
 * queue page; 404 when no such queue is registered. A session or the read-only API token.
 */
export const GET = readOnlyJsonRoute(async (q, _req, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  const data = await readQueueJobs(
    name,
    pagingFrom((n) => q.get(n)),
    q.get("q"),
  );
  return data ?? Response.json({ error: `No queue named ${JSON.stringify(name)}` }, { status: 404 });
});
