import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getDb, listAppliedMigrations, openDb } from "@/lib/db";
import { migrations } from "@/lib/db/migrations/index";

let dir: string;
const savedUrl = process.env.DATABASE_URL;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "db-client-"));
});
afterEach(async () => {
  await closeDb();
  if (savedUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedUrl;
  rmSync(dir, { recursive: true, force: true });
});

async function pragma(db: ReturnType<typeof openDb>, name: string): Promise<unknown> {
  const res = await sql.raw(`pragma ${name}`).execute(db);
  return Object.values(res.rows[0] as object)[0];
}

describe("openDb", () => {
  it("creates the folder and sets WAL, foreign keys, busy timeout and synchronous=NORMAL", async () => {
    const file = path.join(dir, "nested", "deeper", "app.db");
    const db = openDb(`file:${file}`);
    try {
      expect(existsSync(path.dirname(file))).toBe(true);
      expect(await pragma(db, "journal_mode")).toBe("wal");
      expect(await pragma(db, "foreign_keys")).toBe(1);
      expect(await pragma(db, "busy_timeout")).toBe(5000);
      expect(await pragma(db, "synchronous")).toBe(1); // NORMAL
    } finally {
      await db.destroy();
    }
  });

  it("does not migrate by itself", async () => {
    const db = openDb(path.join(dir, "app.db"));
    try {
      expect(await listAppliedMigrations(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});

describe("getDb", () => {
  it("opens DATABASE_URL once per process, migrated, and reopens after closeDb", async () => {
    const file = path.join(dir, "app.db");
    process.env.DATABASE_URL = `file:${file}`;
    const [a, b] = await Promise.all([getDb(), getDb()]);
    expect(a).toBe(b);
    expect(existsSync(file)).toBe(true);
    expect((await listAppliedMigrations(a)).map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    expect(await a.selectFrom("admins").select("id").execute()).toEqual([]);

    await closeDb();
    const c = await getDb();
    expect(c).not.toBe(a);
    expect((await listAppliedMigrations(c)).length).toBe(migrations.length);
  });

  it("does not cache a failed open", async () => {
    process.env.DATABASE_URL = "mysql://localhost/app";
    await expect(getDb()).rejects.toThrow(/not supported: use a SQLite file/);
    process.env.DATABASE_URL = `file:${path.join(dir, "ok.db")}`;
    const db = await getDb();
    expect((await listAppliedMigrations(db)).length).toBe(migrations.length);
  });
});
