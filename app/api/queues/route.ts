import { readOnlyJsonRoute } from "../../json-route";
import { readQueues } from "../../(dashboard)/queues/data";

export const dynamic = "force-dynamic";

/**
 * Queues as JSON, polled by the Queues page: every registered queue (size, latency, paused), the
 * names no registered worker listens on, and the pause switches. A session or the read-only API token.
 */
export const GET = readOnlyJsonRoute(readQueues);
