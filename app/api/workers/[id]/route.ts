import { readOnlyJsonRoute } from "../../../json-route";
import { readWorker } from "../../../status-data";

export const dynamic = "force-dynamic";

/**
 * One worker by its full, URL-encoded id (`/api/workers/host%3A42%3Amail`): its record (null when
 * not registered) and its newest failures, polled by the worker's page. 404 for an impossible id.
 */
export const GET = readOnlyJsonRoute(async (_q, _req, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  return (await readWorker(id)) ?? Response.json({ error: "No such worker id" }, { status: 404 });
});
