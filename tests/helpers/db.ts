/**
 * The database of each test, on the run's database kind: TEST_DATABASE=postgres (the `*-pg`
 * projects of vitest.config.ts) gives a fresh database on the run's PostgreSQL server
 * (tests/setup/postgres.ts), anything else a fresh SQLite FILE (not :memory:, so WAL and locking
 * behave as in production). Either is removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, inject } from "vitest";
import { migrate, openDb, type Db } from "@/lib/db";
import { createDatabase } from "./postgres";

export type DatabaseKind = "sqlite" | "postgres";

/** The engine this test run's databases live on. */
export function databaseKind(): DatabaseKind {
  return process.env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";
}

export interface TestDatabase {
  /** A DATABASE_URL: the SQLite file's path, or the PostgreSQL database's URL. */
  url: string;
  /** Removes a PostgreSQL database (ending sessions still on it); the caller removes a SQLite file's folder. */
  drop(): Promise<void>;
}

/**
 * A new database of the run's kind. SQLite: `app.db` in `dir` (created on first open).
 * PostgreSQL: a copy of the migrated template, or an empty one with `migrated: false` — as a
 * fresh SQLite file is until migrate() runs.
 */
export async function newTestDatabase(dir: string, opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (databaseKind() === "sqlite") return { url: path.join(dir, "app.db"), drop: async () => undefined };
  // TEST_POSTGRES_URL: a server started outside vitest (the bench: bench/lib/postgres.ts).
  return createDatabase(process.env.TEST_POSTGRES_URL ?? inject("postgresUrl"), opts);
}

/** Registers the hooks; read `.db` / `.dir` / `.url` inside tests and later hooks. */
export function useTempDb(label: string): { readonly db: Db; readonly dir: string; readonly url: string } {
  const state = {} as { db: Db; dir: string; url: string; drop(): Promise<void> };
  beforeEach(async () => {
    state.dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    const database = await newTestDatabase(state.dir);
    state.url = database.url;
    state.drop = database.drop;
    state.db = openDb(state.url);
    await migrate(state.db);
  });
  afterEach(async () => {
    await state.db.destroy();
    await state.drop();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
