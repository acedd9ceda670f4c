/**
 * Email + password sign-in with throttling of repeated failures.
 *
 * Throttling: within a sliding window (15 minutes), an email gets 5 failed attempts and an IP
 * address 20; the next attempt is refused without checking the password, with `retryAfterSec`
 * until enough failures have aged out of the window. Refused attempts are not counted, so the
 * lock always lifts when the window passes. A success clears that email's failures. Attempts
 * live in `sign_in_attempts` and are pruned once they leave the window.
 *
 * Unknown email and wrong password give the same message and cost the same (one Argon2
 * verification; the unknown case checks against a dummy hash), so the form does not reveal
 * which accounts exist.
 */
import type { Db, Role } from "../db/types";
import { findAdminByEmail, recordSignIn } from "../db/admins";
import { getDummyHash, verifyPassword } from "./password";
import { createSession, type SessionOptions } from "./session";

export const SIGN_IN_FAILED_MESSAGE = "Wrong email or password.";

export interface ThrottleLimits {
  windowMs: number;
  maxEmailFailures: number;
  maxIpFailures: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  windowMs: 15 * 60 * 1000,
  maxEmailFailures: 5,
  maxIpFailures: 20,
};

export interface SignInInput {
  email: string;
  password: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface SignInOptions extends SessionOptions {
  throttle?: Partial<ThrottleLimits>;
}

export type SignInResult =
  | {
      ok: true;
      /** The session cookie value; set it with sessionCookieOptions(). */
      token: string;
      expiresAt: Date;
      admin: { id: number; email: string; role: Role };
    }
  | {
      ok: false;
      /** A message for the form. */
      error: string;
      code: "invalid_input" | "invalid_credentials" | "throttled";
      /** Set when throttled: seconds until an attempt will be checked again. */
      retryAfterSec?: number;
    };

export async function signIn(db: Db, input: SignInInput, opts: SignInOptions = {}): Promise<SignInResult> {
  const clock = opts.now ?? Date.now;
  const limits = { ...DEFAULT_THROTTLE, ...opts.throttle };
  const email = String(input.email ?? "")
    .trim()
    .toLowerCase();
  const password = typeof input.password === "string" ? input.password : "";
  if (!email || !password) {
    return { ok: false, code: "invalid_input", error: "Enter your email and password." };
  }
  const keys = { email: `email:${email}`, ip: input.ip ? `ip:${input.ip}` : null };

  const now = clock();
  await db
    .deleteFrom("sign_in_attempts")
    .where("attempted_at", "<=", now - limits.windowMs)
    .execute();
  const retryAfterMs = Math.max(
    await lockedForMs(db, keys.email, limits.maxEmailFailures, limits.windowMs, now),
    keys.ip ? await lockedForMs(db, keys.ip, limits.maxIpFailures, limits.windowMs, now) : 0,
  );
  if (retryAfterMs > 0) {
    const retryAfterSec = Math.ceil(retryAfterMs / 1000);
    return {
      ok: false,
      code: "throttled",
      error: `Too many failed sign-in attempts. Try again in ${describeWait(retryAfterSec)}.`,
      retryAfterSec,
    };
  }

  const admin = await findAdminByEmail(db, email);
  const valid = await verifyPassword(admin?.passwordHash ?? (await getDummyHash()), password);
  const at = clock();
  const attemptKeys = keys.ip ? [keys.email, keys.ip] : [keys.email];
  if (!admin || !valid) {
    await db
      .insertInto("sign_in_attempts")
      .values(attemptKeys.map((key) => ({ key, attempted_at: at, success: 0 })))
      .execute();
    return { ok: false, code: "invalid_credentials", error: SIGN_IN_FAILED_MESSAGE };
  }

  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("sign_in_attempts").where("key", "=", keys.email).where("success", "=", 0).execute();
    await trx
      .insertInto("sign_in_attempts")
      .values(attemptKeys.map((key) => ({ key, attempted_at: at, success: 1 })))
      .execute();
  });
  await recordSignIn(db, admin.id, at);
  const session = await createSession(
    db,
    admin.id,
    { ip: input.ip, userAgent: input.userAgent },
    { ...opts, now: clock },
  );
  return {
    ok: true,
    token: session.token,
    expiresAt: session.expiresAt,
    admin: { id: admin.id, email: admin.email, role: admin.role },
  };
}

/**
 * 0 when the key has fewer than `max` failures in the window; else the time until the oldest
 * of its newest `max` failures leaves the window (then fewer than `max` remain).
 */
async function lockedForMs(db: Db, key: string, max: number, windowMs: number, now: number): Promise<number> {
  const rows = await db
    .selectFrom("sign_in_attempts")
    .select("attempted_at")
    .where("key", "=", key)
    .where("success", "=", 0)
    .where("attempted_at", ">", now - windowMs)
    .orderBy("attempted_at", "desc")
    .limit(max)
    .execute();
  if (rows.length < max) return 0;
  return Math.max(0, rows[rows.length - 1]!.attempted_at + windowMs - now);
}

function describeWait(sec: number): string {
  if (sec < 60) return `${sec} second${sec === 1 ? "" : "s"}`;
  const min = Math.ceil(sec / 60);
  return `${min} minute${min === 1 ? "" : "s"}`;
}
