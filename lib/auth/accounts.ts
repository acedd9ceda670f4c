/**
 * Account changes that involve a password, for the accounts page and the CLI. Role changes and
 * deletion need no hashing and live in lib/db/admins.ts (setAdminRole, deleteAdmin).
 */
import type { Db, Role } from "../db/types";
import { createAdmin, setAdminPasswordHash, type Admin } from "../db/admins";
import { hashPassword } from "./password";
import { destroyAdminSessions } from "./session";

/** Creates an account; throws WeakPasswordError or DataError (`duplicate`, `invalid_input`). */
export async function addAdmin(
  db: Db,
  input: { email: string; password: string; role: Role },
  opts: { now?: () => number } = {},
): Promise<Admin> {
  const passwordHash = await hashPassword(input.password);
  return createAdmin(db, { email: input.email, passwordHash, role: input.role }, opts);
}

/**
 * Sets a new password and signs the account out everywhere except `keepSessionId` (the session
 * making the change, when the account changes its own password).
 */
export async function changePassword(
  db: Db,
  adminId: number,
  newPassword: string,
  opts: { keepSessionId?: string; now?: () => number } = {},
): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  await setAdminPasswordHash(db, adminId, passwordHash, opts);
  await destroyAdminSessions(db, adminId, opts.keepSessionId);
}
