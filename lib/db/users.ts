/**
 * Users of the CRUD demo (the people the PHP original sends notifications to; not dashboard
 * accounts, which are `admins`): a searchable paged list and the id checks batch actions need.
 */
import type { UserStatus } from "./demo-types";
import { invalid, listForMessage, parseIds, type Checked, type DemoMessageKey } from "./demo-validation";
import { findMissingIds } from "./ids";
import { idRows, textContains } from "./portable";
import type { Db } from "./types";

export const USER_STATUSES: readonly UserStatus[] = ["active", "disabled"];

export interface DemoUser {
  id: number;
  name: string;
  email: string;
  status: UserStatus;
  createdAtMs: number;
}

export interface UserPage {
  items: DemoUser[];
  total: number;
  page: number;
  perPage: number;
}

function toUser(r: { id: number; name: string; email: string; status: UserStatus; created_at: number }): DemoUser {
  return { id: r.id, name: r.name, email: r.email, status: r.status, createdAtMs: r.created_at };
}

/** One page of users, by id; `q` matches part of the name or email, or an exact id. */
export async function listUsers(
  db: Db,
  opts: { q?: string; status?: UserStatus; page?: number; perPage?: number } = {},
): Promise<UserPage> {
  const perPage = Math.min(100, Math.max(1, Math.trunc(Number(opts.perPage ?? 20)) || 20));
  const page = Math.max(1, Math.trunc(Number(opts.page ?? 1)) || 1);
  let base = searched(db, opts.q);
  if (opts.status) base = base.where("status", "=", opts.status);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy("id")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
  ]);
  return { items: rows.map(toUser), total: Number(count.n), page, perPage };
}

/** The users a search matches, as listUsers reads `q`: part of the name or email, or an exact id. */
function searched(db: Db, rawQ: string | undefined) {
  const base = db.selectFrom("users");
  const q = rawQ?.trim().slice(0, 100);
  if (!q) return base;
  return base.where((eb) =>
    eb.or([
      textContains("name", q),
      textContains("email", q),
      ...(/^\d{1,15}$/.test(q) ? [eb("id", "=", Number(q))] : []),
    ]),
  );
}

/** The ids of every user the search `q` matches (as listUsers lists them), at most `limit`, in id order. */
export async function userIdsMatching(db: Db, q: string, limit: number): Promise<number[]> {
  const rows = await searched(db, q).select("id").orderBy("id").limit(limit).execute();
  return rows.map((r) => r.id);
}

export async function getUser(db: Db, id: number): Promise<DemoUser | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Users by id (missing ids are left out), in id order. One statement for up to 10,000 ids. */
export async function getUsersByIds(db: Db, ids: readonly number[]): Promise<DemoUser[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("users").selectAll().where("id", "in", idRows(db, ids)).orderBy("id").execute();
  return rows.map(toUser);
}

/**
 * The selection of a "send to users" batch action, checked: an empty selection answers
 * `emptyKey` (the PHP original's 请选择要发送的用户), malformed or unknown ids are named, more
 * than 10,000 is refused. One query whatever the count.
 */
export async function checkUserIds(
  db: Db,
  input: unknown,
  emptyKey: DemoMessageKey = "demo.users.noneSelected",
): Promise<Checked<number[]>> {
  const ids = parseIds(input, { emptyKey });
  if (!ids.ok) return ids;
  const missing = await findMissingIds(db, "users", ids.value);
  if (missing.length) return invalid("ids", "demo.users.unknown", { ids: listForMessage(missing) });
  return ids;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
