import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dialectOf, listAppliedMigrations, migrate, migrationLabel, openDb, type Db } from "@/lib/db";
import { newTestDatabase, type TestDatabase } from "../helpers/db";
import { migrations, type Migration } from "@/lib/db/migrations/index";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The version a test migration takes: after every real one, so new real migrations need no edit here. */
const NEXT = migrations.at(-1)!.version + 1;
const VERSIONS = migrations.map((m) => m.version);
const nextLabel = (name: string) => migrationLabel({ version: NEXT, name });
let dir: string;
let file: string;
const open: Db[] = [];

function db(): Db {
  const d = openDb(file);
  open.push(d);
  return d;
}

async function tables(d: Db): Promise<string[]> {
  const res =
    dialectOf(d) === "sqlite"
      ? await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by name`.execute(d)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() order by name`.execute(d);
  return res.rows.map((r) => r.name);
}

/** A migration that holds the write lock for a while, to make concurrent runs overlap. */
function slowMigration(version: number, ms: number): Migration {
  return {
    version,
    name: "slow",
    async up(k: Kysely<any>) {
      await k.schema
        .createTable("slow_marker")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .execute();
      await new Promise((r) => setTimeout(r, ms));
      await k.insertInto("slow_marker").values({ id: 1 }).execute();
    },
  };
}

let database: TestDatabase;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "db-migrate-"));
  database = await newTestDatabase(dir, { migrated: false });
  file = database.url; // the SQLite file, or an empty PostgreSQL database in integration-pg
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.destroy()));
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("migrate", () => {
  it("applies every migration once, records it, and a second run applies nothing", async () => {
    const d = db();
    const first = await migrate(d, { now: () => 1_700_000_000_000 });
    expect(first.applied).toEqual(migrations.map(migrationLabel));
    expect(await tables(d)).toEqual([
      "admins",
      "alert_rules",
      "audit_log",
      "exports",
      "notifications",
      "products",
      "schema_migrations",
      "sessions",
      "settings",
      "sign_in_attempts",
      "users",
    ]);
    expect(await listAppliedMigrations(d)).toEqual(
      migrations.map((m) => ({ version: m.version, name: m.name, appliedAtMs: 1_700_000_000_000 })),
    );

    expect((await migrate(d)).applied).toEqual([]);
    // A fresh connection (a restart) sees the same and applies nothing either.
    expect((await migrate(db())).applied).toEqual([]);
    expect((await listAppliedMigrations(d)).length).toBe(migrations.length);
  });

  it("applies only the migrations added since the last run", async () => {
    const d = db();
    await migrate(d);
    const res = await migrate(d, { migrations: [...migrations, slowMigration(NEXT, 0)] });
    expect(res.applied).toEqual([nextLabel("slow")]);
    expect((await listAppliedMigrations(d)).map((m) => m.version)).toEqual([...VERSIONS, NEXT]);
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const d = db();
    const broken: Migration = {
      version: NEXT,
      name: "broken",
      async up(k) {
        await k.schema.createTable("half_done").addColumn("id", "integer").execute();
        throw new Error("boom");
      },
    };
    await expect(migrate(d, { migrations: [...migrations, broken] })).rejects.toThrow(
      new RegExp(`migration ${nextLabel("broken")} failed: boom`),
    );
    expect(await tables(d)).not.toContain("half_done");
    expect((await listAppliedMigrations(d)).map((m) => m.version)).toEqual(VERSIONS);
    // The connection is usable afterwards (no transaction left open).
    expect((await migrate(d)).applied).toEqual([]);
  });

  it("refuses a list whose versions are not ascending", async () => {
    await expect(migrate(db(), { migrations: [slowMigration(NEXT, 0), ...migrations] })).rejects.toThrow(
      /out of order/,
    );
  });

  it("two openers migrating the same file at once end with one application", async () => {
    const list = [...migrations, slowMigration(NEXT, 200)];
    const started = Date.now();
    const a0 = db();
    const [a, b] = await Promise.all([migrate(a0, { migrations: list }), migrate(db(), { migrations: list })]);
    // The in-process queue lets the second wait without blocking the thread in SQLite's busy
    // handler (which would stall for busy_timeout, 5 s, since the lock holder shares the thread).
    expect(Date.now() - started).toBeLessThan(4000);
    expect([...a.applied, ...b.applied].sort()).toEqual([...migrations.map(migrationLabel), nextLabel("slow")].sort());
    // SQLite: whichever went second waited (the in-process queue) for the first, then found
    // everything applied. PostgreSQL has no such queue: the two take the advisory lock migration
    // by migration and may share the list out between them — each still applied exactly once.
    if (dialectOf(a0) === "sqlite") {
      expect([a.applied.length, b.applied.length].sort()).toEqual([0, migrations.length + 1]);
    }
    const d = db();
    expect((await listAppliedMigrations(d)).map((m) => m.version)).toEqual([...VERSIONS, NEXT]);
    expect(
      await d
        .selectFrom("slow_marker" as any)
        .selectAll()
        .execute(),
    ).toEqual([{ id: 1 }]);
  });

  it("two processes migrating the same file at once end with one application", async () => {
    // The real migrations are already applied, so both children start with a read-only check;
    // each waits for the same instant, then migrates with a test migration that holds the write
    // lock for 300 ms. Without BEGIN IMMEDIATE both would see it missing and both run it.
    const seed = db();
    await migrate(seed);
    const child = path.join(dir, "child.mjs");
    const lib = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, p)).href);
    writeFileSync(
      child,
      `import { openDb, migrate } from ${lib("lib/db/index.ts")};
import { migrations } from ${lib("lib/db/migrations/index.ts")};
const [file, startAt] = [process.argv[2], Number(process.argv[3])];
const slow = { version: ${NEXT}, name: "slow", async up(k) {
  await k.schema.createTable("slow_marker").addColumn("id", "integer", (c) => c.primaryKey()).execute();
  await new Promise((r) => setTimeout(r, 300));
  await k.insertInto("slow_marker").values({ id: 1 }).execute();
} };
const db = openDb(file);
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const res = await migrate(db, { migrations: [...migrations, slow] });
await db.destroy();
console.log(JSON.stringify(res));
`,
    );
    const startAt = Date.now() + 2500;
    const run = () =>
      new Promise<{ applied: string[] }>((resolve, reject) => {
        const p = spawn(process.execPath, ["--import", "tsx", child, file, String(startAt)], {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => (out += d.toString()));
        p.stderr.on("data", (d: Buffer) => (err += d.toString()));
        p.on("exit", (code) =>
          code === 0
            ? resolve(JSON.parse(out.trim().split("\n").pop()!))
            : reject(new Error(`child exited ${code}: ${err}`)),
        );
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect([...a.applied, ...b.applied]).toEqual([nextLabel("slow")]);
    const d = db();
    expect((await listAppliedMigrations(d)).map((m) => m.version)).toEqual([...VERSIONS, NEXT]);
    expect(
      await d
        .selectFrom("slow_marker" as any)
        .selectAll()
        .execute(),
    ).toEqual([{ id: 1 }]);
  });
});
