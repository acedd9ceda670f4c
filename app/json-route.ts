import { guardRoute } from "./auth";

/**
 * A read-only JSON route for polling and monitoring: a session or the API token, then `read()`;
 * Redis being away is a 503 with a message, not a stack trace. `read` gets the request and the
 * route context (for query strings and `[params]`) and may return a Response itself (a 404).
 */
export function readOnlyJsonRoute<C = unknown>(read: (req: Request, ctx: C) => Promise<unknown>) {
  return async function GET(req: Request, ctx: C): Promise<Response> {
    const refused = await guardRoute(req);
    if (refused) return refused;
    try {
      const body = await read(req, ctx);
      return body instanceof Response ? body : Response.json(body);
    } catch (e) {
      return Response.json({ error: `Redis is unreachable: ${(e as Error).message}` }, { status: 503 });
    }
  };
}
