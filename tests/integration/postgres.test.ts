/**
 * PostgreSQL only (project `integration-pg`; the other DB tests run on both engines): the first
 * admin under contention, the start-up refusals of a bad configuration, and the CSV export giving
 * the same bytes as SQLite's for the same seed. Two hosts running `setup` at the same instant is
 * in tests/e2e/many-hosts.test.ts, beside the rest of "two of everything".
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  countAdmins,
  createAdminIfNone,
  createExport,
  migrate,
  openDb,
  seedDemo,
  type Db,
  type ExportSelection,
} from "@/lib/db";
import { runProductExport } from "@/lib/export";
import { createDatabase } from "../helpers/postgres";
import { startCli } from "../helpers/processes";
import { freePort } from "../helpers/redis-server";

const dirs: string[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function emptyDatabase() {
  const database = await createDatabase(inject("postgresUrl"), { migrated: false });
  drops.push(database.drop);
  return database;
}

/** The environment of a CLI process on `url`, with nothing of the test process's database settings. */
function env(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e.ADMIN_EMAIL;
  delete e.ADMIN_PASSWORD;
  delete e.DEMO_SEED;
  return { ...e, DATABASE_URL: url, ...extra };
}

/** Names of the tables in the public schema of `url`. */
async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
    );
    return res.rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe("the first admin under contention", () => {
  it("is created once when eight connections with different emails try at the same instant (3 rounds)", async () => {
    for (let round = 1; round <= 3; round++) {
      const database = await createDatabase(inject("postgresUrl")); // migrated
      drops.push(database.drop);
      const hosts = Array.from({ length: 8 }, () => openDb(database.url));
      try {
        // Each insert dawdles 0.2 s between reading "no admin yet" and writing its row, so
        // without the lock all eight would see an empty table (READ COMMITTED) and all insert.
        await sql`create function slow_insert() returns trigger language plpgsql as $$
          begin perform pg_sleep(0.2); return new; end $$`.execute(hosts[0]!);
        await sql`create trigger slow_insert before insert on admins for each row execute function slow_insert()`.execute(
          hosts[0]!,
        );
        // Connected first, so the inserts, not the handshakes, are what run together.
        await Promise.all(hosts.map((db) => sql`select 1`.execute(db)));
        const made = await Promise.all(
          hosts.map((db, i) =>
            createAdminIfNone(db, { email: `host${i}@round${round}.test`, passwordHash: "x", role: "admin" }),
          ),
        );
        expect(made.filter(Boolean)).toHaveLength(1);
        expect(await countAdmins(hosts[0]!)).toBe(1);
      } finally {
        await Promise.all(hosts.map((db) => db.destroy()));
      }
    }
  });
});

describe("a bad PostgreSQL configuration", () => {
  /** Runs `args` and returns its exit code and what it printed. */
  async function run(args: string[], url: string) {
    const p = startCli(args, env(url));
    const { code } = await p.exited;
    return { code, lines: p.output().trim().split("\n") };
  }

  it("stops setup and work with one line and exit 1, creating nothing", async () => {
    const { url } = await emptyDatabase();
    const wrong = new URL(url);
    wrong.password = "not-the-password";
    const refusedPort = await freePort(); // nothing listens there
    const unreachable = new URL(url);
    unreachable.port = String(refusedPort);

    for (const command of ["setup", "work"]) {
      const bad = await run([command], wrong.toString());
      expect(bad.code).toBe(1);
      expect(bad.lines).toEqual([
        expect.stringMatching(
          /^error: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/t_\w+ as postgres: password authentication failed for user "postgres"$/,
        ),
      ]);
      expect(bad.lines[0]).not.toContain("not-the-password");

      const down = await run([command], unreachable.toString());
      expect(down.code).toBe(1);
      expect(down.lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error: cannot use PostgreSQL at 127\\.0\\.0\\.1:${refusedPort}/t_\\w+ as postgres: .*ECONNREFUSED`,
          ),
        ),
      ]);
    }
    const mysql = await run(["setup"], "mysql://app:secret@127.0.0.1/app");
    expect(mysql.code).toBe(1);
    expect(mysql.lines).toEqual([
      expect.stringMatching(
        /^error: DATABASE_URL=mysql:\/\/app:\*\*\*@127\.0\.0\.1\/app is not supported: use a SQLite file .* or PostgreSQL/,
      ),
    ]);

    // Nothing half-created on the real database.
    expect(await tables(url)).toEqual([]);
  });
});

/**
 * Names for every rule of the CSV (lib/export/csv.ts) and every escape of PostgreSQL's COPY text
 * that the export's PostgreSQL path must undo or route through papaparse (product-export.ts,
 * csvLineOfCopyRow), and the extremes of the other cells. Inserted directly: the app's own form
 * refuses control characters and trims spaces. An empty name or a NULL cannot be stored (CHECK,
 * NOT NULL).
 */
const EDGE_NAMES = [
  "a,b",
  'say "hi"',
  "line\nbreak",
  "cr\rhere",
  "crlf\r\nend",
  " lead",
  "trail ",
  " both ",
  "=SUM(A1)",
  "+1",
  "-2",
  "@cmd",
  "\tTab first",
  "\rCR first",
  "mid=plus+",
  "\ufeffbom first",
  "mid\ufeffbom",
  "back\\slash",
  "back\\,\\n\\t literal",
  "tab\tinside",
  "bell\u0007 vt\u000b ff\u000c bs\u0008",
  "sep\u001fname",
  "\u001f=after sep",
  "\u001f",
  "中文，全角逗号",
  "emoji 😀 ok",
  "'quote'",
  "it's \\ $1 %_ E'\\x'",
  "x".repeat(200),
];
const EDGE_ROWS = EDGE_NAMES.map((name, i) => ({
  name,
  price_cents: [0, 5, 99, 100, 123_456_789, 100_000_000_000][i % 6]!,
  category: "books",
  status: "active" as const,
  stock: [0, 1_000_000_000][i % 2]!,
  created_at: [-1, -1500, 0, 1_700_000_000_999, 4_102_444_800_000][i % 5]!,
  updated_at: 1_764_000_000_000 + i * 3_600_123,
}));

describe("the products CSV export", () => {
  it("writes the same bytes from PostgreSQL as from SQLite for the same seed", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pg-export-"));
    dirs.push(dir);
    const { url } = await emptyDatabase();
    const engines: Record<string, Db> = { sqlite: openDb(path.join(dir, "app.db")), postgres: openDb(url) };
    try {
      for (const db of Object.values(engines)) {
        await migrate(db);
        await seedDemo(db, { products: 3_000, users: 0 });
        await db.insertInto("products").values(EDGE_ROWS).execute();
      }
      const selections: ExportSelection[] = [
        { filter: {} },
        { filter: { sort: "-name" } },
        { filter: { q: "pro", sort: "price" } },
        { filter: { category: "books", status: "active", sort: "-updated" } },
        { filter: { priceMinCents: 1000, priceMaxCents: 50_000, sort: "stock" } },
        { ids: [2999, 5, 17, 1024, 3000, 1, 3001, 3000 + EDGE_ROWS.length] },
        // PostgreSQL's COPY takes no parameters: this one is written into its SQL as a literal.
        { filter: { q: "it's \\ $1 %_ E'\\x'", sort: "-price" } },
      ];
      for (const selection of selections) {
        const bytes: Record<string, Buffer> = {};
        for (const [kind, db] of Object.entries(engines)) {
          const record = await createExport(db, { admin: null, selection });
          const out = await runProductExport({
            db,
            exportId: record.id,
            selection,
            dir: path.join(dir, kind),
            chunkRows: 100, // many pages, so page boundaries are crossed on both
          });
          bytes[kind] = readFileSync(out.path);
        }
        expect(bytes.postgres!.length, JSON.stringify(selection)).toBeGreaterThan(100);
        expect(bytes.postgres!.equals(bytes.sqlite!), JSON.stringify(selection)).toBe(true);
      }
    } finally {
      for (const db of Object.values(engines)) await db.destroy();
    }
  });
});
