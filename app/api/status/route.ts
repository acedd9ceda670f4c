import { readStatus } from "../../status-data";

export const dynamic = "force-dynamic";

/** Machine-readable status, polled by the overview: the same numbers as `npm run queue -- status --json`. */
export async function GET() {
  try {
    return Response.json(await readStatus());
  } catch (e) {
    return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
  }
}
