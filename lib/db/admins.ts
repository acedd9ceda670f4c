/**
 * Dashboard accounts. Passwords arrive here already hashed (lib/auth/password.ts hashes them;
 * lib/db does not depend on lib/auth). Emails are compared case-insensitively.
 *
 * The last account with the admin role can be neither deleted nor demoted: each such write is
 * one conditional statement, so two admins demoting each other at once cannot both succeed
 * (on PostgreSQL, whose READ COMMITTED would let both count two admins, under an advisory lock).
 */
import { sql } from "kysely";
import { DataError, isUniqueViolation } from "./errors";
import { exclusively, LOCK_ADMINS } from "./portable";
import type { AdminRow, Db, Role } from "./types";

export const ROLES: readonly Role[] = ["admin", "viewer"];

export interface Admin {
  id: number;
  email: string;
  role: Role;
  createdAtMs: number;
  updatedAtMs: number;
  lastSignInAtMs: number | null;
}

/** An account with its password hash, for the sign-in check only. */
export interface AdminWithHash extends Admin {
  passwordHash: string;
}

export interface Clock {
  now?: () => number;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;

/** Trimmed and lower-cased; throws a readable DataError when it is not an email address. */
export function normalizeEmail(email: string): string {
  const e = String(email ?? "")
    .trim()
    .toLowerCase();
  if (!e) throw new DataError("invalid_input", "Enter an email address.");
  if (e.length > MAX_EMAIL_LENGTH || !EMAIL.test(e)) {
    throw new DataError("invalid_input", `"${e.slice(0, 80)}" is not an email address.`);
  }
  return e;
}

export function isRole(value: unknown): value is Role {
  return value === "admin" || value === "viewer";
}

function assertRole(role: unknown): asserts role is Role {
  if (!isRole(role)) {
    throw new DataError("invalid_input", `Unknown role "${String(role)}": use admin or viewer.`);
  }
}

function toAdmin(row: AdminRow): Admin {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAtMs: row.created_at,
    updatedAtMs: row.updated_at,
    lastSignInAtMs: row.last_sign_in_at,
  };
}

export async function createAdmin(
  db: Db,
  input: { email: string; passwordHash: string; role: Role },
  opts: Clock = {},
): Promise<Admin> {
  const email = normalizeEmail(input.email);
  assertRole(input.role);
  if (!input.passwordHash) throw new DataError("invalid_input", "A password hash is required.");
  const now = (opts.now ?? Date.now)();
  try {
    const row = await db
      .insertInto("admins")
      .values({
        email,
        password_hash: input.passwordHash,
        role: input.role,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAdmin(row);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new DataError("duplicate", `An account with the email ${email} already exists.`);
    }
    throw err;
  }
}

/**
 * Creates the account only while the table is empty (one statement, so two processes starting
 * at once create one first admin; on PostgreSQL under an advisory lock too, since there two
 * such statements could both see the table empty). Returns null when an account already existed.
 */
export async function createAdminIfNone(
  db: Db,
  input: { email: string; passwordHash: string; role: Role },
  opts: Clock = {},
): Promise<Admin | null> {
  const email = normalizeEmail(input.email);
  assertRole(input.role);
  const now = (opts.now ?? Date.now)();
  const row = await exclusively(db, LOCK_ADMINS, (tx) =>
    tx
      .insertInto("admins")
      .columns(["email", "password_hash", "role", "created_at", "updated_at"])
      .expression(
        tx
          .selectNoFrom((eb) => [
            eb.val(email).as("email"),
            eb.val(input.passwordHash).as("password_hash"),
            eb.val(input.role).as("role"),
            eb.val(now).as("created_at"),
            eb.val(now).as("updated_at"),
          ])
          .where((eb) => eb.not(eb.exists(eb.selectFrom("admins").select("id")))),
      )
      .returningAll()
      .executeTakeFirst(),
  );
  return row ? toAdmin(row) : null;
}

export async function findAdminByEmail(db: Db, email: string): Promise<AdminWithHash | null> {
  const e = String(email ?? "").trim();
  if (!e) return null;
  const row = await db.selectFrom("admins").selectAll().where("email", "=", e).executeTakeFirst();
  return row ? { ...toAdmin(row), passwordHash: row.password_hash } : null;
}

export async function findAdminById(db: Db, id: number): Promise<Admin | null> {
  const row = await db.selectFrom("admins").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toAdmin(row) : null;
}

/** Every account, by email. The list is small (dashboard operators), so it is not paged. */
export async function listAdmins(db: Db): Promise<Admin[]> {
  const rows = await db.selectFrom("admins").selectAll().orderBy("email").execute();
  return rows.map(toAdmin);
}

/**
 * One page of accounts by email, with the total for the pager (two indexed queries). `page` and
 * `perPage` are clamped to at least 1; `perPage` to at most 200.
 */
export async function listAdminsPage(
  db: Db,
  opts: { page?: number; perPage?: number } = {},
): Promise<{ page: number; perPage: number; total: number; items: Admin[] }> {
  const perPage = Math.min(200, Math.max(1, Math.trunc(opts.perPage ?? 50) || 1));
  const page = Math.max(1, Math.trunc(opts.page ?? 1) || 1);
  const [total, rows] = await Promise.all([
    countAdmins(db),
    db
      .selectFrom("admins")
      .selectAll()
      .orderBy("email")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
  ]);
  return { page, perPage, total, items: rows.map(toAdmin) };
}

/** How many accounts, or how many with one role. */
export async function countAdmins(db: Db, role?: Role): Promise<number> {
  let q = db.selectFrom("admins").select((eb) => eb.fn.countAll<number>().as("n"));
  if (role) q = q.where("role", "=", role);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** True when removing the admin role from this row would leave no admin. */
const otherAdminExists = sql<boolean>`(role <> 'admin' or (select count(*) from admins where role = 'admin') > 1)`;

/** Changes an account's role; refuses to demote the last admin. */
export async function setAdminRole(db: Db, id: number, role: Role, opts: Clock = {}): Promise<Admin> {
  assertRole(role);
  const now = (opts.now ?? Date.now)();
  const row = await exclusively(db, LOCK_ADMINS, (tx) => {
    let q = tx.updateTable("admins").set({ role, updated_at: now }).where("id", "=", id);
    if (role !== "admin") q = q.where(otherAdminExists);
    return q.returningAll().executeTakeFirst();
  });
  if (row) return toAdmin(row);
  const existing = await findAdminById(db, id);
  if (!existing) throw new DataError("not_found", `No account with id ${id}.`);
  throw new DataError("last_admin", `${existing.email} is the last admin: make another account an admin first.`);
}

/** Replaces an account's password hash. Ending its sessions is the caller's choice. */
export async function setAdminPasswordHash(db: Db, id: number, passwordHash: string, opts: Clock = {}): Promise<void> {
  const now = (opts.now ?? Date.now)();
  const res = await db
    .updateTable("admins")
    .set({ password_hash: passwordHash, updated_at: now })
    .where("id", "=", id)
    .executeTakeFirst();
  if (!res.numUpdatedRows) throw new DataError("not_found", `No account with id ${id}.`);
}

export async function recordSignIn(db: Db, id: number, atMs: number): Promise<void> {
  await db.updateTable("admins").set({ last_sign_in_at: atMs }).where("id", "=", id).execute();
}

/** Deletes an account (its sessions go with it); refuses to delete the last admin. */
export async function deleteAdmin(db: Db, id: number): Promise<Admin> {
  const row = await exclusively(db, LOCK_ADMINS, (tx) =>
    tx.deleteFrom("admins").where("id", "=", id).where(otherAdminExists).returningAll().executeTakeFirst(),
  );
  if (row) return toAdmin(row);
  const existing = await findAdminById(db, id);
  if (!existing) throw new DataError("not_found", `No account with id ${id}.`);
  throw new DataError(
    "last_admin",
    `${existing.email} is the last admin and cannot be deleted: make another account an admin first.`,
  );
}
