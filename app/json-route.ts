import { webLog } from "@/lib/log";
import { isRedisSwitching, isRedisUnreachable, redisTargetFromEnv } from "@/lib/redis";
import { guardRoute } from "./auth";

/**
 * How long one read of a route is shared. Fifty open dashboards polling the same overview once a
 * second cost one Redis read per window instead of fifty; every mutation through the dashboard
 * drops the shared answers (forgetSharedReads), so a page never shows its own change late.
 */
const SHARE_MS = Number(process.env.JSON_SHARE_MS ?? 500);
/**
 * One map per process, kept on globalThis: Next compiles each route handler and the pages'
 * server actions into separate module graphs, so a module-level Map would exist once per graph
 * and an action's forgetSharedReads() would clear a copy the routes never read (a paused page
 * then showed its own change late, for good). tests/e2e/shared-reads.test.ts holds this.
 */
const g = globalThis as typeof globalThis & { __sharedJsonReads?: Map<string, { at: number; body: Promise<unknown> }> };
const shared = (g.__sharedJsonReads ??= new Map());

/** Called after every dashboard mutation. */
export function forgetSharedReads(): void {
  shared.clear();
}

/**
 * `read()`'s answer, shared by every caller asking for the same key within SHARE_MS (see above).
 * Also used by /metrics, so concurrent scrapes cost one read.
 */
export function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  let hit = shared.get(key);
  if (!hit || now - hit.at > SHARE_MS) {
    hit = { at: now, body: read() };
    if (SHARE_MS > 0) {
      if (shared.size > 1000) shared.clear(); // bounded: a crawler's distinct URLs cannot grow it
      shared.set(key, hit);
      // A failed read is not shared: the next poll tries Redis again.
      hit.body.catch(() => shared.get(key) === hit && shared.delete(key));
    }
  }
  return hit.body as Promise<T>;
}

/**
 * A read-only JSON route for polling and monitoring: a session or the API token, then `read()`
 * with the request's query string, the request and the route context (dynamic segments); Redis
 * being away is a 503 with a message, any other error a logged 500, never a stack trace. `read` may answer a Response of its own,
 * e.g. a 404 for a malformed or vanished item. Concurrent and near-simultaneous GETs of the same
 * URL share one read (see SHARE_MS); the access check still runs for each request.
 */
export function readOnlyJsonRoute<C = unknown>(
  read: (query: URLSearchParams, req: Request, ctx: C) => Promise<unknown>,
) {
  return async function GET(req: Request, ctx: C): Promise<Response> {
    const refused = await guardRoute(req);
    if (refused) return refused;
    const url = new URL(req.url);
    try {
      const body = await sharedRead(url.pathname + url.search, () => read(url.searchParams, req, ctx));
      return body instanceof Response ? body.clone() : Response.json(body);
    } catch (e) {
      if (isRedisUnreachable(e)) {
        const state = isRedisSwitching(e, redisTargetFromEnv()) ? "switching to a new primary" : "unreachable";
        return Response.json({ error: `Redis is ${state}: ${(e as Error).message}` }, { status: 503 });
      }
      // Not Redis's fault: logged with its stack, answered without it.
      webLog().error(`GET ${url.pathname} failed`, { event: "route.error", method: "GET", path: url.pathname, err: e });
      return Response.json(
        { error: "Internal error: this request could not be answered (see the server log)." },
        { status: 500 },
      );
    }
  };
}
