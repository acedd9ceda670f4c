import { guardRoute } from "./auth";

/**
 * A read-only JSON route for polling and monitoring: a session or the API token, then `read()`
 * with the request's query string, the request and the route context (dynamic segments); Redis
 * being away is a 503 with a message, not a stack trace. `read` may answer a Response of its own,
 * e.g. a 404 for a malformed or vanished item.
 */
export function readOnlyJsonRoute<C = unknown>(read: (query: URLSearchParams, req: Request, ctx: C) => Promise<unknown>) {
  return async function GET(req: Request, ctx: C): Promise<Response> {
    const refused = await guardRoute(req);
    if (refused) return refused;
    try {
      const body = await read(new URL(req.url).searchParams, req, ctx);
      return body instanceof Response ? body : Response.json(body);
    } catch (e) {
      return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
    }
  };
}
