import { readOnlyJsonRoute } from "../../../json-route";
import { queryOf, readFailedGroups } from "../../../(dashboard)/failed/data";

export const dynamic = "force-dynamic";

/** Failure counts by class and exception, with the same filters as /api/failed. See docs/api/failed.md. */
export const GET = readOnlyJsonRoute((q) => readFailedGroups(queryOf(q)));
