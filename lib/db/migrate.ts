/**
 * Versioned schema migrations, recorded in `schema_migrations` (version, name, applied_at).
 *
 * Safe when the web server, the worker and the CLI start at once on the same file: each
 * migration runs in its own `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock
 * before reading what is applied, so a second process waits (busy_timeout, then retries here)
 * and then finds the migration recorded. Two kysely instances on one file inside one process
 * cannot wait on each other that way — better-sqlite3 is synchronous, so the busy wait would
 * block the very thread holding the lock — hence an in-process queue per file as well.
 *
 * PostgreSQL, where several hosts may start at once: each migration's transaction first takes a
 * transaction-scoped advisory lock (LOCK_MIGRATE), the counterpart of BEGIN IMMEDIATE; the others
 * wait on it, then find the migration recorded. PostgreSQL's DDL is transactional, so a failed
 * migration leaves nothing behind there either.
 */
import { sql, type Kysely } from "kysely";
import { dialectOf, LOCK_MIGRATE } from "./portable";
import { migrations as allMigrations, type Migration } from "./migrations/index";

export interface MigrateOptions {
  /** The list to apply; defaults to lib/db/migrations. Tests pass their own. */
  migrations?: readonly Migration[];
  /** How long to keep retrying while another process holds the write lock. Default 60 s. */
  lockTimeoutMs?: number;
  now?: () => number;
}

export interface MigrateResult {
  /** What this call applied, as `NNN-name` (empty when the schema was already current). */
  applied: string[];
}

/** `1, "auth"` → `001-auth`, the file name of the migration. */
export function migrationLabel(m: Pick<Migration, "version" | "name">): string {
  return `${String(m.version).padStart(3, "0")}-${m.name}`;
}

const g = globalThis as unknown as { __resqueAdminMigrateQueue?: Map<string, Promise<unknown>> };
const queues = (g.__resqueAdminMigrateQueue ??= new Map());

/** Applies every pending migration, oldest first. Idempotent: a second call applies nothing. */
export async function migrate(db: Kysely<any>, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const list = checkOrder(opts.migrations ?? allMigrations);
  // PostgreSQL waits on its advisory lock asynchronously, so instances in one process need no queue.
  const file = dialectOf(db) === "sqlite" ? await mainFile(db) : "";
  if (!file) return migrateLocked(db, list, opts); // :memory: or temp: private to this connection

  // Chain behind any migrate() of the same file in this process.
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => migrateLocked(db, list, opts));
  queues.set(file, run);
  try {
    return await run;
  } finally {
    if (queues.get(file) === run) queues.delete(file);
  }
}

async function migrateLocked(
  db: Kysely<any>,
  list: readonly Migration[],
  opts: MigrateOptions,
): Promise<MigrateResult> {
  const now = opts.now ?? Date.now;
  const applied: string[] = [];
  for (const m of list) {
    // One connection for the whole transaction: kysely's SQLite driver has a single connection
    // guarded by a mutex, so nothing else on this instance interleaves with it.
    const done = await db.connection().execute(async (conn) => {
      await beginLocked(conn, opts.lockTimeoutMs ?? 60_000);
      try {
        // Inside the lock, so a second process never races the bootstrap either. bigint: epoch
        // ms do not fit PostgreSQL's 32-bit integer (SQLite reads it as its one integer type).
        await sql`create table if not exists schema_migrations (
          version integer primary key,
          name text not null,
          applied_at bigint not null
        )`.execute(conn);
        const row = await conn
          .selectFrom("schema_migrations")
          .select("version")
          .where("version", "=", m.version)
          .executeTakeFirst();
        if (row) {
          await sql`commit`.execute(conn);
          return false;
        }
        await m.up(conn);
        await conn
          .insertInto("schema_migrations")
          .values({ version: m.version, name: m.name, applied_at: now() })
          .execute();
        await sql`commit`.execute(conn);
        return true;
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw new Error(`migration ${migrationLabel(m)} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
    });
    if (done) applied.push(migrationLabel(m));
  }
  return { applied };
}

/** Versions and names recorded in `schema_migrations`, oldest first (empty before any migrate). */
export async function listAppliedMigrations(
  db: Kysely<any>,
): Promise<{ version: number; name: string; appliedAtMs: number }[]> {
  const exists =
    dialectOf(db) === "sqlite"
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master
          where type = 'table' and name = 'schema_migrations'`.execute(db)
      : await sql<{ n: number }>`select count(*) as n from information_schema.tables
          where table_schema = current_schema() and table_name = 'schema_migrations'`.execute(db);
  if (!exists.rows[0]?.n) return [];
  const rows = await db
    .selectFrom("schema_migrations")
    .select(["version", "name", "applied_at"])
    .orderBy("version")
    .execute();
  return rows.map((r) => ({ version: r.version, name: r.name, appliedAtMs: r.applied_at }));
}

function checkOrder(list: readonly Migration[]): readonly Migration[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.version <= list[i - 1]!.version) {
      throw new Error(
        `migrations out of order: ${migrationLabel(list[i]!)} comes after ${migrationLabel(list[i - 1]!)}`,
      );
    }
  }
  return list;
}

/** The path of the main database file, or "" for an in-memory or temporary database. */
async function mainFile(db: Kysely<any>): Promise<string> {
  const res = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  return res.rows.find((r) => r.name === "main")?.file ?? "";
}

/**
 * Opens the migration's transaction holding the lock that serialises migrators. PostgreSQL: the
 * advisory lock waits as long as the other migration takes (pg has no busy timeout to retry).
 * SQLite: BEGIN IMMEDIATE takes the write lock up front. SQLite's busy handler already waits
 * `busy_timeout` (5 s from openDb); a migration in another process may take longer, so retry.
 */
async function beginLocked(conn: Kysely<any>, timeoutMs: number): Promise<void> {
  if (dialectOf(conn) === "postgres") {
    await sql`begin`.execute(conn);
    await sql`select pg_advisory_xact_lock(${LOCK_MIGRATE})`.execute(conn);
    return;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await sql`begin immediate`.execute(conn);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== "SQLITE_BUSY" && code !== "SQLITE_LOCKED") || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
