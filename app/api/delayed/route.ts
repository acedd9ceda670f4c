import { readOnlyJsonRoute } from "../../json-route";
import { pagingOf, readDelayed } from "../../(dashboard)/delayed/data";

export const dynamic = "force-dynamic";

/**
 * Delayed jobs as JSON, polled by the Delayed page (`?page=&per=`): totals, one page of
 * timestamps with counts and first item, the scheduler lock holder. See docs/api/delayed.md.
 */
export const GET = readOnlyJsonRoute((req) => {
  const q = new URL(req.url).searchParams;
  return readDelayed(pagingOf((k) => q.get(k)));
});
