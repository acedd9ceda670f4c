import { readOnlyJsonRoute } from "../../../json-route";
import { pagingOf, parseTimestamp, readDelayedItems } from "../../../(dashboard)/delayed/data";

export const dynamic = "force-dynamic";

/** The jobs due at one timestamp, a page at a time (`?page=&per=`). See docs/api/delayed.md. */
export const GET = readOnlyJsonRoute(async (req) => {
  const url = new URL(req.url);
  const timestamp = parseTimestamp(decodeURIComponent(url.pathname.split("/").pop() ?? ""));
  if (timestamp === null) return Response.json({ error: "Not a timestamp: give whole unix seconds" }, { status: 404 });
  return readDelayedItems(timestamp, pagingOf((k) => url.searchParams.get(k)));
});
