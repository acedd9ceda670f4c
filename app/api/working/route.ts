import { readOnlyJsonRoute } from "../../json-route";
import { readWorking } from "../../status-data";
import { pagingFrom } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

/** One page (`?page=&per=`) of the jobs being worked now, polled by the Working page. See docs/api/stats.md. */
export const GET = readOnlyJsonRoute((q) => readWorking(pagingFrom((n) => q.get(n))));
