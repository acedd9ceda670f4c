/**
 * Server-side sessions in the `sessions` table, referenced by a signed cookie:
 *
 *   cookie value = <sessionId>.<base64url HMAC-SHA256(sessionId, secret)>
 *
 * The id is 32 random bytes (hex), so it cannot be guessed; the MAC lets a forged or edited
 * cookie be refused before any database lookup. Signing out deletes the row, so a copied cookie
 * dies with it; deleting an account deletes its sessions (foreign key cascade); a role change
 * applies on the next request because the role is read from `admins` every time.
 *
 * Lifetimes: a session ends after 12 hours without a request (idle) or 7 days after sign-in
 * (absolute), whichever comes first. Both are options. `last_seen_at` is written at most once a
 * minute per session, so polling pages do not turn every read into a write.
 *
 * The secret is AUTH_SECRET (≥ 32 characters) when set; otherwise one is generated on first use
 * and kept in `settings`, so restarts keep everyone signed in. Set AUTH_SECRET when the database
 * file is shared or backed up somewhere less trusted than the server.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EnvVars, Db, Role } from "../db/types";
import { getOrCreateSetting } from "../db/settings";
import { BadSecretError } from "./errors";

export const SESSION_COOKIE_NAME = "resque_admin_session";
export const SESSION_IDLE_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_SECRET_LENGTH = 32;
/** How stale `last_seen_at` may get before a read refreshes it. */
const TOUCH_INTERVAL_MS = 60 * 1000;
const SECRET_SETTING = "auth.session_secret";

export interface SessionOptions {
  now?: () => number;
  idleTtlMs?: number;
  absoluteTtlMs?: number;
  /** Where AUTH_SECRET is read from; process.env by default. */
  env?: EnvVars;
}

export interface SessionInfo {
  admin: { id: number; email: string; role: Role };
  sessionId: string;
  expiresAt: Date;
}

export interface NewSession {
  /** The cookie value. */
  token: string;
  sessionId: string;
  /** The absolute expiry, for the cookie's Expires. */
  expiresAt: Date;
}

/**
 * Options for the session cookie. `secureRequest`: true when the request came over HTTPS
 * (directly or as `x-forwarded-proto: https` from a trusted proxy); plain-HTTP localhost needs
 * false or browsers drop the cookie. `maxAge` is in seconds (the absolute lifetime).
 */
export function sessionCookieOptions(secureRequest: boolean, absoluteTtlMs = SESSION_ABSOLUTE_TTL_MS) {
  return {
    httpOnly: true as const,
    sameSite: "lax" as const,
    secure: secureRequest,
    path: "/",
    maxAge: Math.floor(absoluteTtlMs / 1000),
  };
}

const generatedSecrets = new WeakMap<Db, Promise<string>>();

/** AUTH_SECRET, or the generated secret stored in `settings` (created on first call). */
export async function getSessionSecret(db: Db, env: EnvVars = process.env): Promise<string> {
  const fromEnv = env.AUTH_SECRET;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new BadSecretError(
        `AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters (it has ${fromEnv.length}); ` +
          `for example: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
      );
    }
    return fromEnv;
  }
  let secret = generatedSecrets.get(db);
  if (!secret) {
    secret = getOrCreateSetting(db, SECRET_SETTING, () => randomBytes(32).toString("base64url"));
    generatedSecrets.set(db, secret);
    secret.catch(() => generatedSecrets.delete(db));
  }
  return secret;
}

function sign(sessionId: string, secret: string): string {
  return createHmac("sha256", secret).update(sessionId).digest("base64url");
}

/** Splits and verifies a cookie value; the session id, or null when malformed or forged. */
export function verifySessionToken(token: string | null | undefined, secret: string): string | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const dot = token.indexOf(".");
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  const mac = token.slice(dot + 1);
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  const expected = Buffer.from(sign(id, secret));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return id;
}

/** Starts a session for an account; returns the cookie value and its expiry. */
export async function createSession(
  db: Db,
  adminId: number,
  client: { ip?: string | null; userAgent?: string | null } = {},
  opts: SessionOptions = {},
): Promise<NewSession> {
  const now = (opts.now ?? Date.now)();
  const secret = await getSessionSecret(db, opts.env);
  const sessionId = randomBytes(32).toString("hex");
  const expiresAtMs = now + (opts.absoluteTtlMs ?? SESSION_ABSOLUTE_TTL_MS);
  await pruneExpiredSessions(db, opts);
  await db
    .insertInto("sessions")
    .values({
      id: sessionId,
      admin_id: adminId,
      created_at: now,
      expires_at: expiresAtMs,
      last_seen_at: now,
      user_agent: client.userAgent ? client.userAgent.slice(0, 512) : null,
      ip: client.ip ?? null,
    })
    .execute();
  return { token: `${sessionId}.${sign(sessionId, secret)}`, sessionId, expiresAt: new Date(expiresAtMs) };
}

/**
 * The signed-in account for a cookie value, or null (no cookie, bad MAC, unknown id, expired).
 * An expired session is deleted. Costs one indexed join, plus a write at most once a minute.
 */
export async function readSession(
  db: Db,
  token: string | null | undefined,
  opts: SessionOptions = {},
): Promise<SessionInfo | null> {
  if (!token) return null;
  const sessionId = verifySessionToken(token, await getSessionSecret(db, opts.env));
  if (!sessionId) return null;
  const row = await db
    .selectFrom("sessions")
    .innerJoin("admins", "admins.id", "sessions.admin_id")
    .select([
      "sessions.id as sessionId",
      "sessions.expires_at as expiresAt",
      "sessions.last_seen_at as lastSeenAt",
      "admins.id as adminId",
      "admins.email as email",
      "admins.role as role",
    ])
    .where("sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return null;

  const now = (opts.now ?? Date.now)();
  const idleTtl = opts.idleTtlMs ?? SESSION_IDLE_TTL_MS;
  if (now >= row.expiresAt || now - row.lastSeenAt >= idleTtl) {
    await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
    return null;
  }
  if (now - row.lastSeenAt >= TOUCH_INTERVAL_MS) {
    await db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", sessionId).execute();
  }
  return {
    admin: { id: row.adminId, email: row.email, role: row.role },
    sessionId,
    expiresAt: new Date(row.expiresAt),
  };
}

/** Signs out: deletes the session a (valid) cookie value names. True when one was deleted. */
export async function destroySession(
  db: Db,
  token: string | null | undefined,
  opts: Pick<SessionOptions, "env"> = {},
): Promise<boolean> {
  if (!token) return false;
  const sessionId = verifySessionToken(token, await getSessionSecret(db, opts.env));
  if (!sessionId) return false;
  const res = await db.deleteFrom("sessions").where("id", "=", sessionId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Ends every session of an account (after a password change), optionally keeping one. */
export async function destroyAdminSessions(db: Db, adminId: number, exceptSessionId?: string): Promise<number> {
  let q = db.deleteFrom("sessions").where("admin_id", "=", adminId);
  if (exceptSessionId) q = q.where("id", "<>", exceptSessionId);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Deletes sessions past their absolute or idle expiry. Runs on every sign-in. */
export async function pruneExpiredSessions(
  db: Db,
  opts: Pick<SessionOptions, "now" | "idleTtlMs"> = {},
): Promise<number> {
  const now = (opts.now ?? Date.now)();
  const idleTtl = opts.idleTtlMs ?? SESSION_IDLE_TTL_MS;
  const res = await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", now - idleTtl)]))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
