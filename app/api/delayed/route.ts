import { readOnlyJsonRoute } from "../../json-route";
import { readDelayed } from "../../(dashboard)/delayed/data";
import { pagingFrom } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

/**
 * Delayed jobs as JSON, polled by the Delayed page (`?page=&per=`, `&q=` to search the first
 * 5,000 items): totals, one page of timestamps with counts and first item, the scheduler lock holder. See docs/api/delayed.md.
 */
export const GET = readOnlyJsonRoute((q) => {
  return readDelayed(
    pagingFrom((k) => q.get(k)),
    q.get("q"),
  );
});
