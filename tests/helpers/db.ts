/**
 * A fresh, migrated SQLite FILE per test (not :memory:, so WAL and locking behave as in
 * production), removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { migrate, openDb, type Db } from "@/lib/db";

/** Registers the hooks; read `.db` / `.dir` inside tests and later hooks. */
export function useTempDb(label: string): { readonly db: Db; readonly dir: string } {
  const state = {} as { db: Db; dir: string };
  beforeEach(async () => {
    state.dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    state.db = openDb(path.join(state.dir, "app.db"));
    await migrate(state.db);
  });
  afterEach(async () => {
    await state.db.destroy();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
