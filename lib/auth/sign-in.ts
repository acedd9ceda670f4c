/**
 * Email + password sign-in with throttling of repeated failures.
 *
 * Throttling, within a sliding window (15 minutes), three counts, none of which lets an attacker
 * keep the owner of an account out:
 * - an email from one address gets 5 failed attempts (the lock is on email + address, so
 *   someone guessing from elsewhere locks only themselves out, never the admin at their desk);
 * - an address gets 20, whatever the emails (30 e-mails from one address: the 21st is refused);
 * - the brake: while more than 100 attempts failed in the window across all addresses (a
 *   spray from many addresses), an address that has failed in the window gets no more checks
 *   until its own failures age out; an address with no failure still signs in.
 * A refused attempt is answered without checking the password, with `retryAfterSec` until
 * enough failures have aged out; refused attempts are not counted, so every lock lifts when
 * the window passes. A success clears that email's failures from that address. Attempts live
 * in `sign_in_attempts` (keys `acct:<email>|<address>` and `ip:<address>`) and are pruned once
 * they leave the window. The way back in before then: another address, or
 * `npm run queue -- admin unlock <email>` (clearSignInFailures), which clears an email's failures.
 *
 * The address is the connection's own (app/auth.ts clientIp); without one (a caller that cannot
 * see it) the email alone is the key, as before.
 *
 * Unknown email and wrong password give the same message and cost the same (one Argon2
 * verification; the unknown case checks against a dummy hash), so the form does not reveal
 * which accounts exist. A success ends the session the browser presented (`presentedToken`), so
 * a cookie planted before sign-in never becomes a signed-in one.
 */
import type { Db, Role } from "../db/types";
import { findAdminByEmail, recordSignIn } from "../db/admins";
import { getDummyHash, verifyPassword } from "./password";
import { createSession, destroySession, type SessionOptions } from "./session";

export const SIGN_IN_FAILED_MESSAGE = "Wrong email or password.";

export interface ThrottleLimits {
  windowMs: number;
  /** Failures of one email from one address. */
  maxEmailFailures: number;
  /** Failures from one address, whatever the emails. */
  maxIpFailures: number;
  /** Failures from everywhere after which a failing address gets no further checks. */
  maxGlobalFailures: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  windowMs: 15 * 60 * 1000,
  maxEmailFailures: 5,
  maxIpFailures: 20,
  maxGlobalFailures: 100,
};

const ACCOUNT_PREFIX = "acct:";

export interface SignInInput {
  email: string;
  password: string;
  ip?: string | null;
  userAgent?: string | null;
  /** The session cookie the browser sent, if any: ended on success. */
  presentedToken?: string | null;
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
  const keys = {
    account: `${ACCOUNT_PREFIX}${email}|${input.ip ?? ""}`,
    ip: input.ip ? `ip:${input.ip}` : null,
  };

  const now = clock();
  await db
    .deleteFrom("sign_in_attempts")
    .where("attempted_at", "<=", now - limits.windowMs)
    .execute();
  const braking = (await globalFailures(db, now - limits.windowMs)) >= limits.maxGlobalFailures;
  const retryAfterMs = Math.max(
    await lockedForMs(db, keys.account, limits.maxEmailFailures, limits.windowMs, now),
    keys.ip ? await lockedForMs(db, keys.ip, limits.maxIpFailures, limits.windowMs, now) : 0,
    // The brake: one failure in the window is enough while the whole site is under a spray.
    braking ? await lockedForMs(db, keys.ip ?? keys.account, 1, limits.windowMs, now) : 0,
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
  // One `acct:` row per attempt (the global count reads those), plus the address's own.
  const attemptKeys = keys.ip ? [keys.account, keys.ip] : [keys.account];
  if (!admin || !valid) {
    await db
      .insertInto("sign_in_attempts")
      .values(attemptKeys.map((key) => ({ key, attempted_at: at, success: 0 })))
      .execute();
    return { ok: false, code: "invalid_credentials", error: SIGN_IN_FAILED_MESSAGE };
  }

  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("sign_in_attempts").where("key", "=", keys.account).where("success", "=", 0).execute();
    await trx
      .insertInto("sign_in_attempts")
      .values(attemptKeys.map((key) => ({ key, attempted_at: at, success: 1 })))
      .execute();
  });
  await recordSignIn(db, admin.id, at);
  if (input.presentedToken) await destroySession(db, input.presentedToken, opts);
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

/** Failed attempts in the window from every address (one `acct:` row each). */
async function globalFailures(db: Db, since: number): Promise<number> {
  const row = await db
    .selectFrom("sign_in_attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("attempted_at", ">", since)
    .where("success", "=", 0)
    .where("key", ">=", ACCOUNT_PREFIX)
    .where("key", "<", "acct;") // the prefix as a range, so the key index serves it
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The way back in for a locked-out account before the window passes: deletes every failure
 * recorded for the email (from any address). The number of rows deleted.
 */
export async function clearSignInFailures(db: Db, email: string): Promise<number> {
  const prefix = `${ACCOUNT_PREFIX}${email.trim().toLowerCase()}|`;
  const res = await db
    .deleteFrom("sign_in_attempts")
    .where("success", "=", 0)
    .where("key", ">=", prefix)
    .where("key", "<", `${prefix}\uffff`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

function describeWait(sec: number): string {
  if (sec < 60) return `${sec} second${sec === 1 ? "" : "s"}`;
  const min = Math.ceil(sec / 60);
  return `${min} minute${min === 1 ? "" : "s"}`;
}
