export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Liveness: the web process answers. Public on purpose, and says nothing else (docs/monitoring.md#health). */
export function GET(): Response {
  return Response.json({ status: "up" }, { headers: { "cache-control": "no-store" } });
}
