import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { assertCan, AuthError, readSession, SESSION_COOKIE_NAME, type Permission } from "@/lib/auth";
import { getDb } from "@/lib/db";

export interface SignedIn {
  admin: { id: number; email: string; role: "admin" | "viewer" };
  sessionId: string;
}

/** The request's session, or null. Role is read fresh from the database on every call. */
export async function getSession(): Promise<SignedIn | null> {
  const token = (await cookies()).get(SESSION_COOKIE_NAME)?.value;
  if (!token) return null;
  return (await readSession(await getDb(), token)) as SignedIn | null;
}

/** For pages and layouts: anonymous → the sign-in page; a viewer asking to write → 403 error page. */
export async function requirePageSession(perm: Permission = "read"): Promise<SignedIn> {
  const s = await getSession();
  if (!s) redirect("/sign-in");
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

/**
 * Client address for throttling and the audit log. Only behind a proxy we were told to trust
 * (`TRUST_PROXY=1`): otherwise anyone could rotate X-Forwarded-For to dodge the per-IP limit.
 */
export async function clientIp(): Promise<string | undefined> {
  if (process.env.TRUST_PROXY !== "1") return undefined;
  const h = await headers();
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || undefined;
}
