import { notReady } from "@/lib/metrics/health";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Readiness: 200 when Redis and the database answer and the migrations are applied, else 503
 * naming only the parts that are down. Public on purpose (docs/monitoring.md#health).
 */
export async function GET(): Promise<Response> {
  const down = await notReady();
  const headers = { "cache-control": "no-store" };
  if (down.length === 0) return Response.json({ status: "up" }, { headers });
  return Response.json({ status: "down", down }, { status: 503, headers });
}
