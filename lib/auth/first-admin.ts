/**
 * The first account. On a fresh database the start command calls ensureFirstAdmin() and prints
 * the result: with ADMIN_EMAIL / ADMIN_PASSWORD set, that account is created (role admin);
 * otherwise `admin@localhost` with a random 20-character password, which is returned so it can
 * be printed once — it is stored only as a hash. When any account exists this does nothing
 * (ADMIN_PASSWORD never resets an existing password). Two processes starting at once create
 * one account: the insert only happens while the table is empty.
 */
import type { EnvVars, Db } from "../db/types";
import { createAdminIfNone, normalizeEmail } from "../db/admins";
import { generatePassword, hashPassword } from "./password";

export const DEFAULT_ADMIN_EMAIL = "admin@localhost";

export interface FirstAdminResult {
  created: boolean;
  /** The account created, or the email that would have been used. */
  email: string;
  /** Set only when this call created the account with a generated password. */
  generatedPassword?: string;
}

export async function ensureFirstAdmin(
  db: Db,
  env: EnvVars = process.env,
  opts: { now?: () => number } = {},
): Promise<FirstAdminResult> {
  const email = normalizeEmail(env.ADMIN_EMAIL?.trim() || DEFAULT_ADMIN_EMAIL);
  const exists = await db.selectFrom("admins").select("id").limit(1).executeTakeFirst();
  if (exists) return { created: false, email };

  const given = env.ADMIN_PASSWORD;
  const password = given ? given : generatePassword(20);
  // hashPassword checks the policy, so a too-short ADMIN_PASSWORD fails here with its message.
  const passwordHash = await hashPassword(password);
  const admin = await createAdminIfNone(db, { email, passwordHash, role: "admin" }, opts);
  if (!admin) return { created: false, email };
  return given
    ? { created: true, email: admin.email }
    : { created: true, email: admin.email, generatedPassword: password };
}

/** The lines the start command prints; empty when nothing was created. */
export function describeFirstAdmin(result: FirstAdminResult): string[] {
  if (!result.created) return [];
  if (!result.generatedPassword) return [`created the first admin ${result.email} (password from ADMIN_PASSWORD)`];
  return [
    `created the first admin — sign in with:`,
    `  email:    ${result.email}`,
    `  password: ${result.generatedPassword}`,
    `this password is shown once; change it or set ADMIN_EMAIL/ADMIN_PASSWORD before the first start`,
  ];
}
