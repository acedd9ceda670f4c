import { readOnlyJsonRoute } from "../../json-route";
import { readHistory } from "../../status-data";

export const dynamic = "force-dynamic";

/** Processed/failed by hour (48 h) and by day (30 d) in `?tz=<IANA zone>` (default UTC). See docs/api/stats.md. */
export const GET = readOnlyJsonRoute((q) => readHistory(q.get("tz")));
