/**
 * Opens the project's SQLite database: better-sqlite3 12 under kysely, usable from the Next
 * server, the worker processes and the CLI alike (no Next.js imports here).
 *
 * `DATABASE_URL` picks the file: `file:data/app.db`, `file:/abs/app.db`, a plain path, or
 * `:memory:` (tests). Unset: `data/app.db` under the working directory. PostgreSQL URLs are
 * refused for now with a clear message.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { DataError } from "./errors";
import { migrate } from "./migrate";
import type { EnvVars, Database, Db } from "./types";

export const MEMORY_DATABASE = ":memory:";

/** The file (absolute) or `:memory:` that `DATABASE_URL` names, defaulting to data/app.db. */
export function databaseFileFromEnv(env: EnvVars = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) return path.join(/*turbopackIgnore: true*/ process.cwd(), "data", "app.db");
  return resolveDatabaseFile(url);
}

/** `file:` prefix or a plain path → an absolute path; `:memory:` stays as it is. */
export function resolveDatabaseFile(url: string): string {
  if (/^(postgres|postgresql|mysql):\/\//i.test(url)) {
    throw new DataError(
      "unsupported_database",
      `DATABASE_URL=${url.replace(/\/\/[^@/]*@/, "//***@")} is not supported yet: use a SQLite file (file:data/app.db)`,
    );
  }
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

/**
 * A new connection with the pragmas the project relies on: WAL (the web server and the workers
 * share the file; readers never block the writer), foreign keys on, a 5 s busy wait, and
 * `synchronous=NORMAL` (safe with WAL; a power cut may lose the last commits, not corrupt).
 * Does not migrate: call `migrate(db)` or use `getDb()`.
 */
export function openDb(file: string = databaseFileFromEnv()): Db {
  const resolved = file === MEMORY_DATABASE ? file : resolveDatabaseFile(file);
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
      const db = openDb();
      try {
        await migrate(db);
        return db;
      } catch (err) {
        await db.destroy().catch(() => undefined);
        throw err;
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
