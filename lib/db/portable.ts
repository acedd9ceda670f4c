/**
 * The few SQL fragments with no spelling common to SQLite and PostgreSQL, each written once here
 * so repositories keep one query per idea for both engines (docs/postgresql.md lists them).
 * Column types and collations differ only inside the migrations (migrations/columns.ts).
 */
import { sql, type Kysely, type QueryExecutor, type RawBuilder } from "kysely";

export type DialectName = "sqlite" | "postgres";

/** Any kysely handle or transaction, whatever its schema type. */
interface Handle {
  getExecutor(): QueryExecutor;
}

/**
 * Which engine a handle talks to. Asked of the adapter's public capability, not `instanceof
 * SqliteAdapter`: Next bundles kysely into more than one server chunk, so a handle made by one
 * chunk (getDb() caches it on globalThis) fails `instanceof` against another chunk's class.
 * Of the two engines, only kysely's PostgreSQL adapter reports transactional DDL.
 */
export function dialectOf(db: Handle): DialectName {
  return db.getExecutor().adapter.supportsTransactionalDdl ? "postgres" : "sqlite";
}

/**
 * `(select id from …)` over a list of ids sent as ONE JSON parameter, not one bound variable each
 * (10,000 of them would cost more to bind than to match). Usable as `where id in <this>` or as a
 * table. SQLite reads the array with json_each, PostgreSQL with json_array_elements_text.
 */
export function idRows(db: Handle, ids: readonly number[]): RawBuilder<number> {
  const json = JSON.stringify(ids);
  return dialectOf(db) === "sqlite"
    ? sql<number>`(select value as id from json_each(${json}))`
    : sql<number>`(select cast(value as bigint) as id from json_array_elements_text(cast(${json} as json)))`;
}

/** A LIKE pattern for a literal substring (`%`, `_` and `\` escaped). */
function likePattern(q: string): string {
  return "%" + q.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
}

/**
 * `column` contains `q`, ignoring ASCII case, on both engines: SQLite's LIKE ignores ASCII case
 * and PostgreSQL's does not, but `lower()` of both sides means the same on each (SQLite's lower()
 * and PostgreSQL's under the "C" collation the migrations give text columns both fold ASCII only).
 */
export function textContains(column: string, q: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${likePattern(q)}) escape '\\'`;
}

/**
 * Runs `fn` so that no other process runs the same `lockKey` section at once. PostgreSQL: in a
 * transaction holding a transaction-scoped advisory lock (released by its commit or rollback),
 * since its default isolation lets two "insert if none" statements both see none. SQLite: as is,
 * because one process writes at a time and each such section there is a single statement.
 */
export async function exclusively<DB, T>(
  db: Kysely<DB>,
  lockKey: number,
  fn: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (dialectOf(db) === "sqlite") return fn(db);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${lockKey})`.execute(trx);
    return fn(trx);
  });
}

/** Advisory lock keys (any 64-bit number; these spell "rqa" + a section number). */
export const LOCK_MIGRATE = 0x727161_01;
/** Writes that depend on the set of admins: the first admin, the last admin's demotion or deletion. */
export const LOCK_ADMINS = 0x727161_02;
