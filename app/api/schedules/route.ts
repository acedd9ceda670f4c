import { readOnlyJsonRoute } from "../../json-route";
import { pagingOf } from "../../(dashboard)/delayed/data";
import { readSchedules } from "../../(dashboard)/schedules/data";

export const dynamic = "force-dynamic";

/** Recurring schedules as JSON, a page at a time (`?page=&per=`), polled by the Schedules page. See docs/api/delayed.md. */
export const GET = readOnlyJsonRoute((req) => {
  const q = new URL(req.url).searchParams;
  return readSchedules(pagingOf((k) => q.get(k)));
});
