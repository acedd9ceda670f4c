import { guardRoute } from "../../auth";
import { readStatus } from "../../status-data";

export const dynamic = "force-dynamic";

/**
 * Machine-readable status, polled by the overview: the same numbers as `npm run queue -- status
 * --json`. A session, or `Authorization: Bearer $API_TOKEN` (read-only monitoring).
 */
export async function GET(req: Request) {
  const refused = await guardRoute(req);
  if (refused) return refused;
  try {
    return Response.json(await readStatus());
  } catch (e) {
    return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
  }
}
