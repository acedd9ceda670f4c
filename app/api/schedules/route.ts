import { readOnlyJsonRoute } from "../../json-route";
import { pagingFrom } from "@/lib/dashboard/paging";
import { readSchedules } from "../../(dashboard)/schedules/data";

export const dynamic = "force-dynamic";

/** Recurring schedules as JSON, a page at a time (`?page=&per=`), polled by the Schedules page. See docs/api/delayed.md. */
export const GET = readOnlyJsonRoute((q) => {
  return readSchedules(pagingFrom((k) => q.get(k)));
});
