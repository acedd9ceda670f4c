import { guardRoute } from "./auth";

/**
 * A read-only JSON route for polling and monitoring: a session or the API token, then `read()`
 * (given the request's query string); Redis being away is a 503 with a message, not a stack trace.
 */
export function readOnlyJsonRoute(read: (query: URLSearchParams) => Promise<unknown>) {
  return async function GET(req: Request): Promise<Response> {
    const refused = await guardRoute(req);
    if (refused) return refused;
    try {
      return Response.json(await read(new URL(req.url).searchParams));
    } catch (e) {
      return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
    }
  };
}
