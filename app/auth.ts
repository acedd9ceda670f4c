import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { assertCan, AuthError, readSession, SESSION_COOKIE_NAME, type Permission } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { PATH_HEADER, signInPath } from "@/lib/dashboard/url-path";

export interface SignedIn {
  admin: { id: number; email: string; role: "admin" | "viewer" };
  sessionId: string;
}

/**
 * The request's session, or null. Role is read fresh from the database for every render: once
 * per render, not per caller (React's cache), since the layout and the page both ask and each
 * ask is a round trip on PostgreSQL. An action runs outside any render and reads it afresh.
 */
export const getSession = cache(async (): Promise<SignedIn | null> => {
  const token = (await cookies()).get(SESSION_COOKIE_NAME)?.value;
  if (!token) return null;
  return (await readSession(await getDb(), token)) as SignedIn | null;
});

/**
 * For pages and layouts: anonymous → the sign-in page, which comes back to this page's path and
 * query afterwards (proxy.ts hands them over); a viewer asking to write → 403 error page.
 */
export async function requirePageSession(perm: Permission = "read"): Promise<SignedIn> {
  const s = await getSession();
  if (!s) redirect(signInPath((await headers()).get(PATH_HEADER)));
  assertCan(s.admin, perm);
  return s;
}

/**
 * For server actions: every action checks here itself — hiding a button is not a check, and a
 * POST without an Origin header passes Next's CSRF check.
 */
export async function requireActionSession(perm: Permission): Promise<SignedIn> {
  const s = await getSession();
  assertCan(s?.admin ?? null, perm);
  return s!;
}

/** The request carries `Authorization: Bearer <token>`; an unset or short (< 16 characters) token matches nothing. */
export function hasBearerToken(req: Request, token: string | undefined): boolean {
  return !!token && token.length >= 16 && req.headers.get("authorization") === `Bearer ${token}`;
}

/**
 * For JSON routes: a session, or the read-only monitoring token (`API_TOKEN`, sent as
 * `Authorization: Bearer …`). Returns a Response to send when refused.
 */
export async function guardRoute(req: Request, perm: Permission = "read"): Promise<Response | null> {
  if (perm === "read" && hasBearerToken(req, process.env.API_TOKEN)) return null;
  try {
    await requireActionSession(perm);
    return null;
  } catch (e) {
    if (e instanceof AuthError) return Response.json({ error: e.message }, { status: e.status });
    throw e;
  }
}

/** Set by scripts/peer-address.mjs, the preload that stamps each request with its connection's address. */
const PEER_PRELOADED = Symbol.for("resque-admin.peer-address");

/**
 * Client address for throttling and the audit log.
 * - Behind a proxy we were told to trust (`TRUST_PROXY=1`): the first `X-Forwarded-For` entry
 *   (or `X-Real-IP`), as that proxy wrote it.
 * - Otherwise the connection's own address, `x-resque-peer`, which the preload of `npm start`
 *   sets from the socket over whatever a client sent (Next.js 16 gives server actions and
 *   route handlers no remote address of their own).
 * - Without that preload (`next dev`, a bare `next start`): the `x-forwarded-for` Next filled in
 *   from the socket, which a client that sends its own can choose; the sign-in's global brake
 *   still bounds what rotating it buys.
 */
export async function clientIp(): Promise<string | undefined> {
  const h = await headers();
  if (process.env.TRUST_PROXY === "1") {
    return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || undefined;
  }
  const preloaded = (globalThis as Record<symbol, unknown>)[PEER_PRELOADED] === true;
  const peer = preloaded ? h.get("x-resque-peer") : h.get("x-forwarded-for")?.split(",").at(-1);
  return peer?.trim() || undefined;
}

/**
 * Whether the request came over HTTPS, for the cookie's `Secure` flag: `COOKIE_SECURE=1`, or
 * `X-Forwarded-Proto: https` from a proxy we were told to trust (`TRUST_PROXY=1`). A client's
 * own X-Forwarded-Proto is not believed.
 */
export async function secureRequest(): Promise<boolean> {
  if (process.env.COOKIE_SECURE === "1") return true;
  return process.env.TRUST_PROXY === "1" && (await headers()).get("x-forwarded-proto") === "https";
}

/**
 * Server actions refuse a browser's cross-site call (`Sec-Fetch-Site: cross-site`, which a page
 * cannot forge) before anything else: Next's own check compares Origin with Host and lets a POST
 * without Origin through.
 */
export async function crossSite(): Promise<boolean> {
  return (await headers()).get("sec-fetch-site") === "cross-site";
}
