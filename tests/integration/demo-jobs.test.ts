/**
 * The demo's jobs run by a real Worker (and Scheduler, for retries) against the test Redis, a
 * real SQLite file and a real SMTP server: notifications, the CSV export end to end, NotifyJob,
 * and SMTP refusals with both retry styles of the seed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { newTestDatabase, type TestDatabase } from "../helpers/db";
import Papa from "papaparse";
import { sql } from "kysely";
import type { Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  closeDb,
  createAdmin,
  createExport,
  getDb,
  getExport,
  listNotifications,
  orderProducts,
  seedDemo,
  dialectOf,
  whereProductFilter,
  type Db,
  type ExportSelection,
} from "@/lib/db";
import { EXPORT_FILE_PATTERN, exportTmpDir, productCsvHeader, runProductExport } from "@/lib/export";
import { translator, type MessageKey } from "@/lib/i18n";
import { Client, Scheduler, Worker } from "@/lib/resque";
import { createRegistry } from "@/jobs/index";
import { closeMailTransport } from "@/lib/mail";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";

const registry = createRegistry();
const cleanups: (() => Promise<unknown> | void)[] = [];
let dir: string;
let db: Db;
let database: TestDatabase;

beforeEach(async () => {
  dir = mkdtempDir();
  database = await newTestDatabase(dir);
  process.env.DATABASE_URL = database.url;
  process.env.EXPORT_DIR = path.join(dir, "export");
  await closeDb();
  db = await getDb();
});
afterEach(async () => {
  closeMailTransport(); // pooled connections would hold each SMTP server's close() for 30 s
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeDb();
  await database.drop();
  delete process.env.DATABASE_URL;
  delete process.env.EXPORT_DIR;
  delete process.env.SMTP_URL;
  rmSync(dir, { recursive: true, force: true });
});

function mkdtempDir(): string {
  const d = path.join(os.tmpdir(), `demo-jobs-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(d, { recursive: true });
  return d;
}

async function startWorker(opts: { scheduler?: boolean; concurrency?: number } = {}) {
  const redis = testRedis();
  const namespace = testNamespace("demo");
  const client = new Client({ redis, namespace, registry });
  const worker = new Worker({
    redis,
    namespace,
    registry,
    queues: ["*"],
    intervalSec: 0.2,
    pruneOnStart: false,
    concurrency: opts.concurrency,
  });
  const events = { retries: [] as string[], failures: [] as string[] };
  worker.on("retry", (_q, _p, err) => events.retries.push(err.message));
  worker.on("failure", (_q, _p, err) => events.failures.push(err.message));
  await worker.start();
  let scheduler: Scheduler | undefined;
  if (opts.scheduler) {
    scheduler = new Scheduler({ redis, namespace, registry, tickSec: 0.2 });
    await scheduler.start();
  }
  cleanups.push(async () => {
    await scheduler?.stop();
    await worker.stop();
    redis.disconnect();
  });
  const processed = async () => Number(await redis.get(`${namespace}:stat:processed`));
  const failed = async () => (await redis.lrange(`${namespace}:failed`, 0, -1)).map((r) => JSON.parse(r));
  return { redis, namespace, client, events, processed, failed };
}

async function adminId(): Promise<number> {
  return (await createAdmin(db, { email: "ops@example.test", passwordHash: "not-used-here", role: "admin" })).id;
}

describe("SendNotificationJob and NotifyJob", () => {
  it("writes the user's notification; the same job run twice writes one; an unknown user fails without retry", async () => {
    await seedDemo(db, { products: 1, users: 5 });
    const w = await startWorker();
    // As php enqueues it: the id comes from explode(), so it is a string.
    const job = await w.client.enqueue("notification", "Common\\Job\\SendNotificationJob", {
      user_id: "3",
      message: "您有新消息",
    });
    await waitFor("notification", async () => (await listNotifications(db, { type: "user", id: 3 })).total === 1);
    await w.redis.rpush(`${w.namespace}:queue:notification`, job.payload); // the same job (same id) again
    await waitFor("second run", async () => (await w.processed()) === 2);
    const page = await listNotifications(db, { type: "user", id: 3 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ message: "您有新消息", jobId: job.id, downloadUrl: null, readAtMs: null });

    await w.client.enqueue("notification", "Common\\Job\\SendNotificationJob", { user_id: 999 });
    await waitFor("failure", async () => (await w.failed()).length === 1);
    expect((await w.failed())[0]).toMatchObject({ exception: "DoNotRetry", error: "There is no user with id 999" });
    expect(
      await db
        .selectFrom("notifications")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 1 });
  });

  it("refuses a javascript: download link at enqueue, before anything is stored", async () => {
    const w = await startWorker();
    await expect(
      w.client.enqueue("notification", "Common\\Job\\NotifyJob", {
        user_id: 1,
        message: "x",
        download_url: "javascript:alert(1)",
      }),
    ).rejects.toThrow(/download_url: must be a CSV in this site's export folder/);
    expect(await w.redis.llen(`${w.namespace}:queue:notification`)).toBe(0);
  });

  it("NotifyJob notifies the admin who asked", async () => {
    const id = await adminId();
    const w = await startWorker();
    await w.client.enqueue("notification", "Common\\Job\\NotifyJob", {
      user_id: id,
      message: "导出完成: export_x.csv",
      download_url: "/uploads/export/export_x.csv",
    });
    await waitFor("admin notification", async () => (await listNotifications(db, { type: "admin", id })).total === 1);
    expect((await listNotifications(db, { type: "admin", id })).items[0]).toMatchObject({
      message: "导出完成: export_x.csv",
      downloadUrl: "/uploads/export/export_x.csv",
    });
  });
});

const HOSTILE = [
  '=HYPERLINK("http://evil.example","x")',
  "+1 cmd",
  "-2+3",
  "@SUM(A1)",
  "\tTabbed",
  "\rCR first",
  "=1+1\nsecond line",
  'a "quoted", name',
];

async function addHostileProducts(d: Db): Promise<void> {
  await d
    .insertInto("products")
    .values(
      HOSTILE.map((name) => ({
        name,
        price_cents: 100,
        category: "books",
        status: "active",
        stock: 1,
        created_at: Date.UTC(2025, 5, 1),
        updated_at: Date.UTC(2025, 5, 2),
      })),
    )
    .execute();
}

function readCsv(file: string): { bom: boolean; rows: string[][] } {
  const text = readFileSync(file, "utf8");
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { bom: text.startsWith("\uFEFF"), rows: parsed.data };
}

describe("BatchExportJob", () => {
  it("exports the filtered products to a complete CSV (BOM, header, neutralised cells), marks the export done and notifies the admin with the link", async () => {
    await seedDemo(db, { products: 3_000, users: 1 });
    await addHostileProducts(db);
    const admin = await adminId();
    const filter = { category: "books" as const, status: "active" as const, sort: "-price" as const };
    const record = await createExport(db, { admin: { id: admin, email: "ops@example.test" }, selection: { filter } });
    const w = await startWorker();
    await w.client.enqueue("export", "Common\\Job\\BatchExportJob", { user_id: admin, export_id: record.id });
    await waitFor(
      "export done and admin notified",
      async () => (await listNotifications(db, { type: "admin", id: admin })).total === 1,
      60_000,
    );

    const done = (await getExport(db, record.id))!;
    expect(done).toMatchObject({ status: "done", attempts: 1, error: null });
    const exportDir = process.env.EXPORT_DIR!;
    expect(readdirSync(exportDir)).toEqual([done.file]);
    expect(done.file).toMatch(EXPORT_FILE_PATTERN);
    expect(readdirSync(exportTmpDir(exportDir))).toEqual([]);
    const file = path.join(exportDir, done.file!);
    expect(done.sizeBytes).toBe(statSync(file).size);

    const { bom, rows } = readCsv(file);
    expect(bom).toBe(true);
    expect(rows[0]).toEqual(productCsvHeader());
    expect(rows[0]!.slice(0, 3)).toEqual(["ID", "名称", "价格"]);
    // The time columns name the zone they are written in (this process's, as the worker's would be).
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(rows[0]!.slice(6)).toEqual([`创建时间 (${zone})`, `更新时间 (${zone})`]);
    const zh = translator("zh-CN");
    const expected = await db
      .selectFrom("products")
      .selectAll()
      .where("category", "=", "books")
      .where("status", "=", "active")
      .orderBy("price_cents", "desc")
      .orderBy("id", "desc")
      .execute();
    expect(rows.length - 1).toBe(expected.length);
    expect(done.rowsWritten).toBe(expected.length);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(expected.map((p) => p.id));
    const byId = new Map(rows.slice(1).map((r) => [Number(r[0]), r]));
    for (const p of expected) {
      const r = byId.get(p.id)!;
      const neutral = /^[=+\-@\t\r]/.test(p.name) ? "'" + p.name : p.name;
      // Category and status in the header's language, as the pages show them.
      expect(r.slice(1, 6)).toEqual([
        neutral,
        (p.price_cents / 100).toFixed(2),
        zh(`demo.category.${p.category}` as MessageKey),
        zh(`demo.productStatus.${p.status}` as MessageKey),
        String(p.stock),
      ]);
    }
    // Every hostile name is neutralised, and the CSV still has 8 columns on every row.
    for (const name of HOSTILE.filter((n) => /^[=+\-@\t\r]/.test(n)))
      expect(rows.some((r) => r[1] === "'" + name)).toBe(true);
    expect(rows.some((r) => r[1] === 'a "quoted", name')).toBe(true);
    expect(rows.every((r) => r.length === 8)).toBe(true);
    // Times in the process's zone, as the database's own clock arithmetic writes them.
    const t =
      dialectOf(db) === "sqlite"
        ? await sql<{
            c: string;
          }>`select strftime('%Y-%m-%d %H:%M:%S', created_at / 1000, 'unixepoch', 'localtime') as c from products where id = ${expected[0]!.id}`.execute(
            db,
          )
        : await sql<{ c: string }>`select to_char(to_timestamp(created_at / 1000) at time zone ${zone},
            'YYYY-MM-DD HH24:MI:SS') as c from products where id = ${expected[0]!.id}`.execute(db);
    expect(byId.get(expected[0]!.id)![6]).toBe(t.rows[0]!.c);

    const note = (await listNotifications(db, { type: "admin", id: admin })).items[0]!;
    expect(note.message).toBe(`导出完成: ${done.file}`);
    expect(note.downloadUrl).toBe(`/uploads/export/${done.file}`);
  });

  it("writes progress every N rows, and the folder never holds a partial file", async () => {
    await seedDemo(db, { products: 3_000, users: 1 });
    const record = await createExport(db, { admin: null, selection: { filter: {} } });
    await sql`create table progress_log (rows integer)`.execute(db);
    if (dialectOf(db) === "sqlite") {
      await sql`create trigger log_progress after update of rows_written on exports begin insert into progress_log values (new.rows_written); end`.execute(
        db,
      );
    } else {
      await sql`create function log_progress() returns trigger language plpgsql as $$
        begin insert into progress_log values (new.rows_written); return new; end $$`.execute(db);
      await sql`create trigger log_progress after update of rows_written on exports
        for each row execute function log_progress()`.execute(db);
    }
    const exportDir = process.env.EXPORT_DIR!;
    mkdirSync(exportTmpDir(exportDir), { recursive: true });
    mkdirSync(exportDir, { recursive: true });
    // Sampled while the export runs (it yields at every write): sizes of what the folder holds.
    const sizes: number[] = [];
    const partSeen: string[] = [];
    const sampler = setInterval(() => {
      for (const n of readdirSync(exportDir)) sizes.push(statSync(path.join(exportDir, n)).size);
      partSeen.push(...readdirSync(exportTmpDir(exportDir)));
    }, 1);
    let result;
    try {
      result = await runProductExport({
        db,
        exportId: record.id,
        selection: { filter: {} },
        progressEvery: 100,
        chunkRows: 50,
      });
    } finally {
      clearInterval(sampler);
    }
    const log = await sql<{ rows: number }>`select rows from progress_log`.execute(db);
    // startExportRun resets to 0; then every 100 rows; then the final count once more.
    expect(log.rows.map((r) => r.rows)).toEqual([0, ...Array.from({ length: 30 }, (_, i) => (i + 1) * 100), 3000]);
    expect(result.rows).toBe(3000);
    expect(readdirSync(exportDir)).toEqual([result.file]);
    expect(partSeen.length, "the sampler ran while the file was being written").toBeGreaterThan(0);
    expect(partSeen.every((n) => n.endsWith(".part"))).toBe(true);
    expect(sizes.every((s) => s === result.sizeBytes)).toBe(true);
    expect(readdirSync(exportTmpDir(exportDir))).toEqual([]);
  });

  it("reads every sort in the list's order, page by page, when equal sort keys straddle page boundaries", async () => {
    await seedDemo(db, { products: 600, users: 1 });
    // Five prices and three stock levels: every 7-row page boundary falls inside a run of equal keys.
    await sql`update products set price_cents = (id % 5) * 100, stock = id % 3`.execute(db);
    const selections: ExportSelection[] = [
      { filter: {} },
      { filter: { sort: "-price" } },
      { filter: { sort: "stock", status: "active" } },
      { filter: { sort: "-updated", q: "a" } },
      // Served by the one-pass fallback: no index gives this order, and name sorts by the cleaned name.
      { filter: { category: "books", sort: "stock" } },
      { filter: { sort: "-name" } },
      { ids: [5, 3, 599, 1, 42] },
    ];
    for (const selection of selections) {
      const expected =
        "ids" in selection
          ? [...selection.ids].sort((a, b) => a - b)
          : (
              await orderProducts(
                whereProductFilter(db.selectFrom("products").select("id"), selection.filter),
                selection.filter.sort,
              ).execute()
            ).map((r) => r.id);
      const record = await createExport(db, { admin: null, selection });
      const result = await runProductExport({ db, exportId: record.id, selection, chunkRows: 7 });
      const ids = readCsv(result.path)
        .rows.slice(1)
        .map((r) => Number(r[0]));
      expect(ids, JSON.stringify(selection)).toEqual(expected);
      expect(result.rows).toBe(expected.length);
    }
  });

  it("works as php enqueues it (no export record, filters as a map or php's empty []), and a bad filter fails with the reason", async () => {
    await seedDemo(db, { products: 500, users: 1 });
    const admin = await adminId();
    const w = await startWorker();
    await w.client.enqueue("default", "Common\\Job\\BatchExportJob", {
      user_id: String(admin),
      filters: { category: "toys", priceMax: "100" },
    });
    await w.client.enqueue("default", "Common\\Job\\BatchExportJob", { user_id: admin, filters: [] });
    await waitFor(
      "two exports notified",
      async () => (await listNotifications(db, { type: "admin", id: admin })).total === 2,
      60_000,
    );
    const records = await db.selectFrom("exports").selectAll().orderBy("id").execute();
    expect(records.map((r) => [r.status, r.admin_id, JSON.parse(r.filters)])).toEqual([
      ["done", admin, { filter: { category: "toys", priceMaxCents: 10_000 } }],
      ["done", admin, { filter: {} }],
    ]);
    const toys = await db
      .selectFrom("products")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("category", "=", "toys")
      .where("price_cents", "<=", 10_000)
      .executeTakeFirstOrThrow();
    expect(records[0]!.rows_written).toBe(toys.n);
    expect(records[1]!.rows_written).toBe(500);

    await w.client.enqueue("default", "Common\\Job\\BatchExportJob", {
      user_id: admin,
      filters: { priceMin: "cheap" },
    });
    await waitFor("failure", async () => (await w.failed()).length === 1);
    expect((await w.failed())[0].error).toMatch(/^Invalid filters: priceMin: Enter a price/);
  });

  it("a failing export is marked failed with the error, leaves no file, and the job lands in failed", async () => {
    await seedDemo(db, { products: 100, users: 1 });
    writeFileSync(path.join(dir, "not-a-dir"), "x");
    process.env.EXPORT_DIR = path.join(dir, "not-a-dir", "export");
    const record = await createExport(db, { admin: null, selection: { ids: [1, 2, 3] } });
    const w = await startWorker();
    await w.client.enqueue("export", "Common\\Job\\BatchExportJob", { export_id: record.id });
    await waitFor("failure", async () => (await w.failed()).length === 1);
    const failed = (await getExport(db, record.id))!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/ENOTDIR|EEXIST|not a directory/);
    expect((await w.failed())[0].error).toBe(failed.error);
    expect(existsSync(process.env.EXPORT_DIR)).toBe(false);
  });
});

/** An SMTP server on a free port that refuses the first `refuse` messages with a 451, then accepts. */
async function smtpServer(refuse: number) {
  const received: string[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      let data = "";
      stream.on("data", (d: Buffer) => (data += d.toString()));
      stream.on("end", () => {
        attempts++;
        if (attempts <= refuse) {
          const err = Object.assign(new Error("4.7.1 Greylisted, please try again later"), { responseCode: 451 });
          return callback(err);
        }
        received.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${port}`, received, attempts: () => attempts };
}

describe("e-mail refusals and retries", () => {
  it("SendEmailJob: a refusal fails the attempt with the server's reply; the retry policy tries again after a delay until the server accepts", async () => {
    const smtp = await smtpServer(2);
    process.env.SMTP_URL = smtp.url;
    const w = await startWorker({ scheduler: true });
    await w.client.enqueue("mail", "Common\\Job\\SendEmailJob", {
      to: "li.wei@example.cn",
      subject: "欢迎",
      body: "Welcome to our site!",
    });
    await waitFor("accepted on the third attempt", () => smtp.received.length === 1, 60_000);
    expect(w.events.retries).toHaveLength(2);
    for (const m of w.events.retries) expect(m).toMatch(/451.*Greylisted, please try again later/);
    expect(smtp.attempts()).toBe(3);
    expect(await w.failed()).toEqual([]);
    expect(await w.redis.get(`${w.namespace}:tsq:stat:retried`)).toBe("2");
    expect(smtp.received[0]).toMatch(/Subject: =\?UTF-8\?/);
  });

  it("ReliableJob (the seed's Job with Retry): re-enqueues itself with _attempt + 1, succeeds when the server accepts, and after 3 retries fails with the server's reply", async () => {
    const smtp = await smtpServer(2);
    process.env.SMTP_URL = smtp.url;
    const w = await startWorker();
    await w.client.enqueue("default", "Common\\Job\\ReliableJob", {
      to: "emma.smith@example.com",
      subject: "Hi",
      body: "x",
    });
    await waitFor("accepted", () => smtp.received.length === 1, 60_000);
    await waitFor("three runs", async () => (await w.processed()) === 3);
    expect(await w.failed()).toEqual([]);

    const never = await smtpServer(Number.MAX_SAFE_INTEGER);
    process.env.SMTP_URL = never.url;
    await w.client.enqueue("default", "Common\\Job\\ReliableJob", {
      to: "emma.smith@example.com",
      subject: "Hi",
      body: "x",
    });
    await waitFor("given up", async () => (await w.failed()).length === 1, 60_000);
    const rec = (await w.failed())[0];
    expect(rec.error).toMatch(/451.*Greylisted/);
    expect(rec.payload.class).toBe("Common\\Job\\ReliableJob");
    expect(rec.payload.args[0]._attempt).toBe(3);
    expect(never.attempts()).toBe(4);
  });
});

describe("pooled SMTP", () => {
  it("200 e-mails at concurrency 10 share at most 10 connections; a dropped connection fails only its message, which retries", async () => {
    const received: string[] = [];
    const sockets = new Set<Socket>();
    let connections = 0;
    let messages = 0;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (d: Buffer) => (data += d.toString()));
        stream.on("end", () => {
          if (++messages === 50) {
            // Drop this message's connection without an answer, as a crashed relay would.
            for (const s of sockets) if (s.remotePort === session.remotePort) s.destroy();
            return;
          }
          received.push(data);
          callback();
        });
      },
    });
    server.server.on("connection", (s: Socket) => {
      connections++;
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    process.env.WORKER_CONCURRENCY = "10";
    cleanups.push(() => void delete process.env.WORKER_CONCURRENCY);
    const w = await startWorker({ scheduler: true, concurrency: 10 });
    await w.client.enqueueMany(
      Array.from({ length: 200 }, (_, i) => ({
        queue: "mail",
        class: "Common\\Job\\SendEmailJob",
        args: { to: `user${i}@example.com`, subject: `m${i}`, body: "x" },
      })),
    );
    await waitFor("all 200 accepted", () => received.length === 200, 120_000);
    expect(w.events.retries).toHaveLength(1);
    expect(await w.failed()).toEqual([]);
    // One reconnect after the drop at most: the pool never opens a connection per message.
    expect(connections).toBeLessThanOrEqual(11);
    expect(new Set(received.map((m) => /Subject: (m\d+)/.exec(m)?.[1])).size).toBe(200);
  }, 180_000);
});
