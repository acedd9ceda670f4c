import { readOnlyJsonRoute } from "../../../json-route";
import { parseTimestamp, readDelayedItems } from "../../../(dashboard)/delayed/data";
import { pagingFrom } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

/** The jobs due at one timestamp, a page at a time (`?page=&per=`). See docs/api/delayed.md. */
export const GET = readOnlyJsonRoute(async (q, req) => {
  const timestamp = parseTimestamp(decodeURIComponent(new URL(req.url).pathname.split("/").pop() ?? ""));
  if (timestamp === null) return Response.json({ error: "Not a timestamp: give whole unix seconds" }, { status: 404 });
  return readDelayedItems(
    timestamp,
    pagingFrom((k) => q.get(k)),
  );
});
