import { hasBearerToken } from "../auth";
import { sharedRead } from "../json-route";
import { METRICS_CONTENT_TYPE, renderMetrics } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Prometheus exposition (docs/monitoring.md). Only a bearer token reads it: `METRICS_TOKEN`, or
 * `API_TOKEN` when that is unset; with neither configured every scrape is refused. Concurrent
 * scrapes share one read, like the JSON routes.
 */
export async function GET(req: Request): Promise<Response> {
  const token = process.env.METRICS_TOKEN || process.env.API_TOKEN;
  if (!hasBearerToken(req, token)) return Response.json({ error: "A valid bearer token is required" }, { status: 401 });
  const body = await sharedRead("/metrics", renderMetrics);
  return new Response(body, { headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" } });
}
