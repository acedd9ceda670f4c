import { readOnlyJsonRoute } from "../../json-route";
import { readStatus } from "../../status-data";

export const dynamic = "force-dynamic";

/**
 * Machine-readable status, polled by the overview: the same numbers as `npm run queue -- status
 * --json`. A session, or `Authorization: Bearer $API_TOKEN` (read-only monitoring).
 */
export const GET = readOnlyJsonRoute(readStatus);
