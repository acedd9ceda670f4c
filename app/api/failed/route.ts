import { readOnlyJsonRoute } from "../../json-route";
import { queryOf, readFailedList } from "../../(dashboard)/failed/data";

export const dynamic = "force-dynamic";

/**
 * A page of failures, newest first, polled by the Failed page: the page's own query string
 * (page, per, queue, class, exception, q, list). A session or the read-only API token.
 * Documented in docs/api/failed.md.
 */
export const GET = readOnlyJsonRoute((q) => readFailedList(queryOf(q)));
