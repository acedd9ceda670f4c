/**
 * Opens the project's database under kysely, usable from the Next server, the worker processes
 * and the CLI alike (no Next.js imports here): SQLite through better-sqlite3 12 (the embedded
 * default), or PostgreSQL through `pg` when several hosts share one database (docs/postgresql.md).
 *
 * `DATABASE_URL` picks it: `file:data/app.db`, `file:/abs/app.db`, a plain path, or `:memory:`
 * (tests) for SQLite; `postgres://…` / `postgresql://…` for PostgreSQL. Unset: `data/app.db`
 * under the working directory. Any other scheme (mysql://…) is refused with a clear message.
 * This is the one module that reads DATABASE_URL; both dialects give the same `Db` type.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { DataError } from "./errors";
import { migrate } from "./migrate";
import type { EnvVars, Database, Db } from "./types";

export const MEMORY_DATABASE = ":memory:";

/**
 * Connections per process when DATABASE_POOL_SIZE is unset: pg's own default. The pool opens them
 * only as queries run in parallel and closes idle ones after 10 s, so a worker that runs one
 * query at a time holds one; ten is for the web server's parallel page queries. Ten per process
 * keeps two web hosts and several worker supervisors under PostgreSQL's default max_connections
 * (100); raise it there, or put PgBouncer in front, beyond that.
 */
export const DEFAULT_POOL_SIZE = 10;

export type DatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** The URL shown in messages: the password replaced, so a log line never carries it. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^@/:]*):[^@/]*@/, "//$1:***@");
}

/** True for the URLs that select PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

/** What `DATABASE_URL` names, as openDb() accepts it: a SQLite file path (absolute), `:memory:`, or a PostgreSQL URL. */
export function databaseUrlFromEnv(env: EnvVars = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) return path.join(/*turbopackIgnore: true*/ process.cwd(), "data", "app.db");
  const target = parseDatabaseUrl(url);
  return target.kind === "postgres" ? target.url : target.file;
}

/** Which engine a DATABASE_URL selects; throws a DataError naming what is supported for anything else. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const u = url.trim();
  if (isPostgresUrl(u)) return { kind: "postgres", url: u };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1];
  if (scheme && scheme.toLowerCase() !== "file") {
    throw new DataError(
      "unsupported_database",
      `DATABASE_URL=${redactDatabaseUrl(u)} is not supported: use a SQLite file (file:data/app.db) or PostgreSQL (postgres://user:password@host:5432/name)`,
    );
  }
  return { kind: "sqlite", file: resolveDatabaseFile(u) };
}

/** `file:` prefix or a plain path → an absolute path; `:memory:` stays as it is. */
export function resolveDatabaseFile(url: string): string {
  let file = url;
  if (/^file:/i.test(file)) {
    file = file.slice("file:".length);
    // file:///abs/path and file://localhost/abs/path are URLs; file:rel/path is not.
    if (file.startsWith("//")) file = decodeURIComponent(new URL(url).pathname);
    file = file.replace(/\?.*$/, "");
  }
  if (file === MEMORY_DATABASE) return file;
  if (!file) throw new DataError("invalid_input", `DATABASE_URL=${url} names no file`);
  // turbopackIgnore: the database is data chosen at run time; without it the build traces the
  // whole project into its output ("dynamic filesystem access").
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
}

/** DATABASE_POOL_SIZE as a whole number ≥ 1, else DEFAULT_POOL_SIZE; nonsense is refused, not ignored. */
export function poolSizeFromEnv(env: EnvVars = process.env): number {
  const raw = env.DATABASE_POOL_SIZE?.trim();
  if (!raw) return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new DataError("invalid_input", `DATABASE_POOL_SIZE=${raw} is not a number of connections (1-1000)`);
  }
  return n;
}

/**
 * pg returns BIGINT (times in ms, ids, counts) as strings, since not every int8 fits a JS number.
 * Every one this schema stores does (epoch ms, row ids, counts), and SQLite gives numbers, so the
 * pool reads them as numbers — refusing, not rounding, one that does not fit.
 */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} does not fit a JavaScript number`);
  return n;
}
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * A pool over `url`. TLS follows the URL's `sslmode` as pg's connection-string parser reads it:
 * `disable` or none → plain; `require`, `verify-ca`, `verify-full` → TLS with the server's
 * certificate checked (pg 8 treats all three as verify-full; `sslrootcert=` names a private CA);
 * `no-verify` → TLS without the check.
 */
function openPostgres(url: string, env: EnvVars): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSizeFromEnv(env),
    // A host that does not answer fails the start within 10 s instead of hanging it.
    connectionTimeoutMillis: 10_000,
    types: pgTypes,
    application_name: "resque-admin",
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on("error", (err) => console.error(`database: idle PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  Object.defineProperty(db, POOL, { value: pool });
  return db;
}

// On the handle under a registered symbol, not in a module-level WeakMap: Next bundles this module
// into several chunks, and a handle made by one must be recognised by another.
const POOL = Symbol.for("resque-admin.pg-pool");

/**
 * The pg pool under a PostgreSQL handle (undefined for SQLite), for the one reader that needs a
 * raw client: the CSV export's cursor, which reads rows as arrays (lib/export/product-export.ts).
 */
export function postgresPoolOf(db: Db): pg.Pool | undefined {
  return (db as unknown as Record<symbol, pg.Pool | undefined>)[POOL];
}

/**
 * A new handle on `location` (a DATABASE_URL; default: the environment's). SQLite gets the
 * pragmas the project relies on: WAL (the web server and the workers share the file; readers
 * never block the writer), foreign keys on, a 5 s busy wait, and `synchronous=NORMAL` (safe with
 * WAL; a power cut may lose the last commits, not corrupt). PostgreSQL gets a pool sized by
 * DATABASE_POOL_SIZE; nothing connects until the first query. Does not migrate: call
 * `migrate(db)` or use `getDb()`.
 */
export function openDb(location: string = databaseUrlFromEnv(), env: EnvVars = process.env): Db {
  const target: DatabaseTarget =
    location === MEMORY_DATABASE ? { kind: "sqlite", file: location } : parseDatabaseUrl(location);
  if (target.kind === "postgres") return openPostgres(target.url, env);
  const resolved = target.file;
  if (resolved !== MEMORY_DATABASE) mkdirSync(path.dirname(resolved), { recursive: true });
  const sqlite = new SQLite(resolved);
  try {
    sqlite.pragma("busy_timeout = 5000"); // first, so the WAL switch below can wait for a lock
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/**
 * Connects once and answers, or throws a DataError whose message is the one line a start-up
 * prints: where it tried and why it failed (wrong password, nothing listening, unknown database),
 * the password left out. For SQLite there is nothing to reach: it returns at once.
 */
export async function checkDatabase(env: EnvVars = process.env): Promise<void> {
  const location = databaseUrlFromEnv(env);
  if (!isPostgresUrl(location)) return;
  const db = openDb(location, env);
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    throw unreachable(location, err);
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

/** The start-up line for a PostgreSQL that cannot be used: host, database and pg's reason. */
export function unreachable(location: string, err: unknown): DataError {
  const e = err as { message?: string; code?: string };
  let where = redactDatabaseUrl(location);
  try {
    const u = new URL(location);
    where = `${u.hostname || "localhost"}:${u.port || 5432}${u.pathname}${u.username ? ` as ${decodeURIComponent(u.username)}` : ""}`;
  } catch {
    // not a parseable URL: the redacted text says enough
  }
  const reason = (e.message || e.code || String(err)).split("\n")[0];
  return new DataError("database_unavailable", `cannot use PostgreSQL at ${where}: ${reason}`);
}

// Cached on globalThis so `next dev` hot reloads reuse one connection instead of leaking one
// per reload (as lib/redis.ts does for ioredis).
const g = globalThis as unknown as { __resqueAdminDb?: Promise<Db> };

/**
 * The process-wide database, opened from `DATABASE_URL` and migrated on first use. Concurrent
 * first calls share one open + migrate; a failed open is not cached, so the next call retries.
 */
export function getDb(): Promise<Db> {
  if (!g.__resqueAdminDb) {
    const opening = (async () => {
      const location = databaseUrlFromEnv();
      const db = openDb(location);
      try {
        await migrate(db);
        return db;
      } catch (err) {
        await db.destroy().catch(() => undefined);
        throw isPostgresUrl(location) && isConnectionError(err) ? unreachable(location, err) : err;
      }
    })();
    g.__resqueAdminDb = opening;
    opening.catch(() => {
      if (g.__resqueAdminDb === opening) g.__resqueAdminDb = undefined;
    });
  }
  return g.__resqueAdminDb;
}

/** Closes the process-wide database (worker shutdown, tests). The next getDb() opens it again. */
export async function closeDb(): Promise<void> {
  const opening = g.__resqueAdminDb;
  g.__resqueAdminDb = undefined;
  if (!opening) return;
  const db = await opening.catch(() => undefined);
  await db?.destroy();
}

/** pg's failures to reach or enter the server (not a failing statement): network errors and auth/database-name refusals. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return /timeout|terminated|connect/i.test((err as Error)?.message ?? "");
  // 28: invalid authorization; 3D000: unknown database; 08: connection exceptions; 57P03: starting up.
  return (
    /^E[A-Z]+$/.test(code) || code.startsWith("28") || code.startsWith("08") || code === "3D000" || code === "57P03"
  );
}
