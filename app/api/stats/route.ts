import { readOnlyJsonRoute } from "../../json-route";
import { readStatsData } from "../../(dashboard)/stats/data";

export const dynamic = "force-dynamic";

/** Resque counters and the parsed Redis INFO, polled by the Stats page. See docs/api/stats.md. */
export const GET = readOnlyJsonRoute(readStatsData);
