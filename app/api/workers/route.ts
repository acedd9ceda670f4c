import { readOnlyJsonRoute } from "../../json-route";
import { readWorkers } from "../../status-data";

export const dynamic = "force-dynamic";

/** Every registered worker with its job, counters and liveness, polled by the Workers page. See docs/api/stats.md. */
export const GET = readOnlyJsonRoute(readWorkers);
