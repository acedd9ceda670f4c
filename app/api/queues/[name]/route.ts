import { readOnlyJsonRoute } from "../../../json-route";
import { readQueueJobs } from "../../../(dashboard)/queues/data";
import { pagingFrom } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

/**
 * One page of a queue's pending jobs as JSON (`?page=1&perPage=20`, 20/50/100), polled by the
 * queue page; 404 when no such queue is registered. A session or the read-only API token.
 */
export const GET = readOnlyJsonRoute(async (q, _req, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  // `perPage` as documented for this route; `per` as in the page's own URL.
  const data = await readQueueJobs(
    name,
    pagingFrom((n) => (n === "per" ? (q.get("perPage") ?? q.get("per")) : q.get(n))),
  );
  return data ?? Response.json({ error: `No queue named ${JSON.stringify(name)}` }, { status: 404 });
});
