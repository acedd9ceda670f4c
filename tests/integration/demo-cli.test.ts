/**
 * The demo's worker side: `setup` seeds once, a worker SIGKILLed mid-export (real processes from
 * the worker bundle) leaves no partial file and the export runs again to completion, and
 * retention (`exports prune`) removes old exports and leftovers. `setup` and `exports prune` run
 * in this process through main(argv, io).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { newTestDatabase, type TestDatabase } from "../helpers/db";
import { sql } from "kysely";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { createAdmin, createExport, getExport, listNotifications, migrate, openDb, type Db } from "@/lib/db";
import { EXPORT_FILE_PATTERN, exportTmpDir } from "@/lib/export";
import { Client, parseWorkerId } from "@/lib/resque";
import { alive, cliEnv, startCli, type Running } from "../helpers/processes";
import { runCliInProcess as cli } from "../helpers/cli";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.kill("SIGKILL");
});

let dir: string;
let database: TestDatabase;
let dbFile: string;
let exportDir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "demo-cli-"));
  database = await newTestDatabase(dir);
  dbFile = database.url;
  exportDir = path.join(dir, "export");
  db = openDb(dbFile);
  await migrate(db);
});
afterEach(async () => {
  await db.destroy();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const env = (ns: string, extra: Record<string, string> = {}) =>
  cliEnv(inject("redisUrl"), ns, {
    DATABASE_URL: dbFile,
    EXPORT_DIR: exportDir,
    ADMIN_EMAIL: "first@example.test",
    ADMIN_PASSWORD: "a-long-enough-password",
    ...extra,
  });

describe("setup", () => {
  it("migrates, creates the first admin and seeds the demo data once", async () => {
    const first = await cli(["setup"], env(testNamespace("setup")));
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/Demo data seeded: 10000 products, 500 users\./);
    const second = await cli(["setup"], env(testNamespace("setup")));
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/Demo data seeded/);
  });
});

describe("a worker killed mid-export", () => {
  it("leaves no partial file in the export folder; the export runs again and completes", async () => {
    // 200,000 rows, written by the database itself: big enough that the export takes a while.
    // bigint: PostgreSQL's integer would overflow at i * 60000.
    const N = 200_000;
    await sql`with recursive n(i) as (select cast(1 as bigint) union all select i + 1 from n where i < ${N})
      insert into products (name, price_cents, category, status, stock, created_at, updated_at)
      select '商品 ' || i || ' Product', i * 7 % 100000, 'books', 'active', i % 500, 1735689600000 + i * 60000, 1735689600000 + i * 60000 from n`.execute(
      db,
    );
    const admin = await createAdmin(db, { email: "ops@example.test", passwordHash: "x", role: "admin" });
    const record = await createExport(db, { admin: { id: admin.id }, selection: { filter: {} } });

    const ns = testNamespace("exportkill");
    const redis = new Redis(inject("redisUrl"));
    try {
      const sup = startCli(["work"], env(ns, { QUEUE: "export,notification", SCHEDULER: "0" }));
      started.push(sup);
      await waitFor("worker up", async () => (await redis.scard(`${ns}:workers`)) === 1, 60_000);
      await new Client({ redis, namespace: ns }).enqueue("export", "Common\\Job\\BatchExportJob", {
        user_id: admin.id,
        export_id: record.id,
      });

      // Kill the worker process once rows are being written but before the end.
      await waitFor(
        "export under way",
        async () => {
          const e = await getExport(db, record.id);
          return e && e.status === "running" && e.rowsWritten > 0 && e.rowsWritten < N;
        },
        60_000,
        5,
      );
      const [id] = await redis.smembers(`${ns}:workers`);
      const pid = Number(parseWorkerId(id!).pid);
      process.kill(pid, "SIGKILL");
      const atKill = (await getExport(db, record.id))!;
      expect(atKill.rowsWritten).toBeLessThan(N);
      expect(
        existsSync(exportDir) ? readdirSync(exportDir) : [],
        "nothing in the export folder while the file is incomplete",
      ).toEqual([]);
      await waitFor("worker gone", () => !alive(pid), 30_000);

      // The supervisor put the job back (the class is safe to re-run); a new worker runs it again.
      await waitFor("export done", async () => (await getExport(db, record.id))?.status === "done", 120_000, 50);
      const done = (await getExport(db, record.id))!;
      expect(done).toMatchObject({ attempts: 2, rowsWritten: N, rowsTotal: N, error: null });
      expect(readdirSync(exportDir)).toEqual([done.file]);
      expect(done.file).toMatch(EXPORT_FILE_PATTERN);
      expect(readdirSync(exportTmpDir(exportDir)), "the killed run's temp file was removed").toEqual([]);
      const lines = readFileSync(path.join(exportDir, done.file!), "utf8").split("\r\n");
      expect(lines.length).toBe(N + 2); // header, N rows, and the empty string after the last CRLF
      expect(lines.at(-2)).toMatch(new RegExp(`^${N},商品 ${N} Product,`));
      expect(await redis.llen(`${ns}:failed`)).toBe(0);
      await waitFor(
        "admin notified once",
        async () => (await listNotifications(db, { type: "admin", id: admin.id })).total === 1,
        30_000,
      );

      // A job of ours that fails in a worker process of the bundle: its backtrace names the .ts
      // source line (source maps), not a chunk of dist/workers.
      await new Client({ redis, namespace: ns }).enqueue("notification", "NotifyJob", {
        user_id: 987_654,
        message: "x",
      });
      await waitFor("the failure", async () => (await redis.llen(`${ns}:failed`)) === 1, 30_000);
      const failure = JSON.parse((await redis.lindex(`${ns}:failed`, 0))!) as { error: string; backtrace: string[] };
      expect(failure.error).toBe("There is no dashboard account with id 987654");
      expect(failure.backtrace[0]).toMatch(/^at \S*NotifyJob\.perform \(\/.*\/jobs\/notify-job\.ts:\d+:\d+\)$/);
      expect(failure.backtrace.filter((l) => l.includes("dist/workers/"))).toEqual([]);
      sup.kill("SIGTERM");
      await sup.exited;
    } finally {
      redis.disconnect();
    }
  }, 300_000);
});

describe("retention", () => {
  it("`exports prune` removes records and files past EXPORT_RETENTION_DAYS and stale temp files, and keeps the rest", async () => {
    mkdirSync(exportDir, { recursive: true });
    mkdirSync(exportTmpDir(exportDir), { recursive: true });
    const day = 86_400_000;
    const old = await createExport(db, { admin: null, selection: { filter: {} }, now: () => Date.now() - 8 * day });
    const fresh = await createExport(db, { admin: null, selection: { filter: {} } });
    const oldFile = "export_20250101000000_aaaaaaaaaaaa.csv";
    const freshFile = "export_20250102000000_bbbbbbbbbbbb.csv";
    const orphan = "export_20250103000000_cccccccccccc.csv"; // no record (a php producer's)
    await db.updateTable("exports").set({ status: "done", file: oldFile }).where("id", "=", old.id).execute();
    await db.updateTable("exports").set({ status: "done", file: freshFile }).where("id", "=", fresh.id).execute();
    for (const f of [oldFile, freshFile, orphan, "notes.txt"]) writeFileSync(path.join(exportDir, f), "x");
    const aged = (p: string, ms: number) => utimesSync(p, new Date(Date.now() - ms), new Date(Date.now() - ms));
    aged(path.join(exportDir, orphan), 8 * day);
    aged(path.join(exportDir, "notes.txt"), 30 * day);
    writeFileSync(path.join(exportTmpDir(exportDir), "export-9-123-x.csv.part"), "half");
    aged(path.join(exportTmpDir(exportDir), "export-9-123-x.csv.part"), 2 * day);
    writeFileSync(path.join(exportTmpDir(exportDir), "export-10-123-y.csv.part"), "in progress");

    const r = await cli(["exports", "prune"], env(testNamespace("prune"), { EXPORT_RETENTION_DAYS: "7" }));
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/Removed 1 export record\(s\), 2 file\(s\) and 1 temp file\(s\) older than 7 day\(s\)/);
    expect(readdirSync(exportDir).sort()).toEqual([freshFile, "notes.txt"]);
    expect(readdirSync(exportTmpDir(exportDir))).toEqual(["export-10-123-y.csv.part"]);
    expect((await db.selectFrom("exports").select("id").execute()).map((x) => x.id)).toEqual([fresh.id]);

    const bad = await cli(["exports", "prune", "--days", "soon"], env(testNamespace("prune")));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--days must be a positive number/);
  });
});
