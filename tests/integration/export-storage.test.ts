/**
 * Export storage (lib/export/storage.ts) against real servers: an S3-compatible server (s3rver,
 * its own process, tests/helpers/s3-server.ts) through the real AWS SDK, and folders. The
 * interface's round trip; retention through the storage's paged listing (over 1,000 objects);
 * a worker (real `work` processes from the bundle) killed mid-upload leaves no object, is given
 * up as failed after MAX_EXPORT_RUNS interrupted runs and completes when retried; `work` refuses
 * to start on a missing bucket or a read-only folder, with one line and nothing created.
 */
import { spawn, type SpawnOptions } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { sql } from "kysely";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createExport, getExport, migrate, openDb, requeueExport, type Db } from "@/lib/db";
import {
  newExportFileName,
  openExportStorage,
  pruneExports,
  type ExportStorage,
  type StoredExport,
} from "@/lib/export";
import { Client, parseWorkerId } from "@/lib/resque";
import { MAX_EXPORT_RUNS } from "@/jobs/batch-export-job";
import { alive, CLI, cliEnv, ROOT, startCli, type Running } from "../helpers/processes";
import { testNamespace, waitFor } from "../helpers/ns";
import { startS3Server, type S3Server } from "../helpers/s3-server";

let s3: S3Server;
let dir: string;
const started: Running[] = [];
beforeAll(async () => {
  s3 = await startS3Server();
  dir = mkdtempSync(path.join(os.tmpdir(), "export-storage-"));
  chmodSync(dir, 0o755); // the read-only folder test's worker runs as another user when we are root
});
afterAll(async () => {
  for (const s of started) s.kill("SIGKILL");
  await Promise.all(started.map((s) => s.exited));
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * `work` to its exit, as a process of its own; not spawnSync, which would block this process and
 * with it the proxy in front of s3rver.
 */
function runWork(env: NodeJS.ProcessEnv, opts: SpawnOptions = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, "work"], {
    cwd: ROOT,
    env,
    ...opts,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

const readAll = async (r: Readable) => Buffer.concat(await r.toArray());
const DAY = 86_400_000;
const listAll = async (storage: ExportStorage) => {
  const all: StoredExport[] = [];
  for await (const f of storage.list()) all.push(f);
  return all;
};

async function withStorage<T>(env: Record<string, string>, f: (s: ExportStorage) => Promise<T>): Promise<T> {
  const storage = openExportStorage(env);
  try {
    return await f(storage);
  } finally {
    storage.close();
  }
}

describe("S3 storage", () => {
  it("writes an object only on commit, reads it back, lists and deletes it; an aborted multipart upload leaves nothing", async () => {
    await s3.createBucket("round-trip");
    await withStorage(s3.env("s3://round-trip/exports/prod"), async (storage) => {
      await storage.check("write");
      expect(storage.location).toBe("s3://round-trip/exports/prod/");

      const name = newExportFileName();
      const up = await storage.begin(name, "export-1");
      const bytes = Buffer.from("\uFEFFID,名称\n1,一\n");
      up.stream.write(bytes);
      expect(await s3.keys("round-trip"), "nothing visible before commit").toEqual([]);
      expect(await up.commit()).toBe(bytes.length);
      expect(await s3.keys("round-trip")).toEqual([`exports/prod/${name}`]);
      expect(storage.where(name)).toBe(`s3://round-trip/exports/prod/${name}`);

      const got = (await storage.open(name))!;
      expect(got.sizeBytes).toBe(bytes.length);
      expect(await readAll(got.body)).toEqual(bytes);
      expect(await storage.open(newExportFileName())).toBeNull();
      const listed = await listAll(storage);
      expect(listed.map((f) => f.name)).toEqual([name]);
      expect(Math.abs(listed[0]!.modifiedMs - Date.now())).toBeLessThan(DAY);

      // Big enough for a multipart upload (two 5 MiB parts), then given up half-way.
      const big = await storage.begin(newExportFileName(), "export-2");
      const stored = s3.partsStored();
      for (let i = 0; i < 11; i++) {
        if (!big.stream.write(Buffer.alloc(1 << 20, 0x41))) await new Promise((r) => big.stream.once("drain", r));
      }
      await waitFor("a part stored", () => s3.partsStored() > stored);
      await big.abort();
      expect(await s3.keys("round-trip")).toEqual([`exports/prod/${name}`]);

      expect(await storage.remove([name])).toBe(1);
      expect(await s3.keys("round-trip")).toEqual([]);
    });
  });

  it("retention pages through more than 1,000 objects, removes only expired exports, and keeps other keys", async () => {
    await s3.createBucket("many");
    const names = Array.from(
      { length: 1005 },
      (_, i) => `export_20260101000000_${i.toString(16).padStart(12, "0")}.csv`,
    );
    const put = (Key: string) => s3.client.send(new PutObjectCommand({ Bucket: "many", Key, Body: "x" }));
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => put(`p/${n}`)));
    await put("p/notes.txt");
    await put("other/export_20260101000000_000000000000.csv");

    const db = openDb(path.join(dir, "many.db"));
    try {
      await migrate(db);
      await withStorage(s3.env("s3://many/p"), async (storage) => {
        expect((await listAll(storage)).length).toBe(1005);
        // Fresh objects stay under a 7-day rule.
        expect(await pruneExports(db, { storage, retentionDays: 7 })).toEqual({ rows: 0, files: 0, tmpFiles: 0 });
        // Eight days later they are all past it.
        const later = await pruneExports(db, { storage, retentionDays: 7, now: () => Date.now() + 8 * DAY });
        expect(later).toEqual({ rows: 0, files: 1005, tmpFiles: 0 });
      });
      expect((await s3.keys("many")).sort()).toEqual(["other/export_20260101000000_000000000000.csv", "p/notes.txt"]);
    } finally {
      await db.destroy();
    }
  });
});

/** Pid of the worker process running a job in namespace `ns`, if any. */
async function busyWorkerPid(redis: Redis, ns: string): Promise<number | null> {
  for (const id of await redis.smembers(`${ns}:workers`))
    if (await redis.get(`${ns}:worker:${id}`)) return Number(parseWorkerId(id).pid);
  return null;
}

describe("a worker killed mid-upload", () => {
  it(`leaves no object; after ${MAX_EXPORT_RUNS} interrupted runs the export is failed, and a retry completes it`, async () => {
    await s3.createBucket("killed");
    const dbFile = path.join(dir, "killed.db");
    const db: Db = openDb(dbFile);
    const ns = testNamespace("s3kill");
    const redis = new Redis(inject("redisUrl"));
    try {
      await migrate(db);
      // 200,000 rows (about 14 MB of CSV: three 5 MiB parts), written by SQLite itself.
      const N = 200_000;
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${N})
        insert into products (name, price_cents, category, status, stock, created_at, updated_at)
        select '商品 ' || i || ' Product', i * 7 % 100000, 'books', 'active', i % 500, 1735689600000 + i * 60000, 1735689600000 + i * 60000 from n`.execute(
        db,
      );
      const record = await createExport(db, { admin: null, selection: { filter: {} } });
      // Part 1 reaches the server; part 2 on is held, so every run stops half-way, uncompleted.
      s3.holdPartsFrom(2);
      const sup = startCli(
        ["work"],
        cliEnv(inject("redisUrl"), ns, {
          QUEUE: "export",
          SCHEDULER: "0",
          DATABASE_URL: dbFile,
          ...s3.env("s3://killed/exports"),
        }),
      );
      started.push(sup);
      await waitFor("worker up", async () => (await redis.scard(`${ns}:workers`)) === 1, 60_000);
      const client = new Client({ redis, namespace: ns });
      await client.enqueue("export", "Common\\Job\\BatchExportJob", { export_id: record.id });

      for (let run = 1; run <= MAX_EXPORT_RUNS; run++) {
        const stored = s3.partsStored();
        await waitFor(`run ${run} half-way`, () => s3.partsStored() > stored && s3.partsHeld() > 0, 60_000);
        expect(await s3.keys("killed"), `run ${run}: no object while the upload is incomplete`).toEqual([]);
        const pid = await waitFor("the busy worker", () => busyWorkerPid(redis, ns));
        process.kill(pid, "SIGKILL");
        await waitFor("worker gone", () => !alive(pid), 30_000);
        expect((await getExport(db, record.id))!.attempts).toBe(run);
        expect(await s3.keys("killed"), `run ${run}: no object after the kill`).toEqual([]);
      }
      // The next run finds the export interrupted MAX_EXPORT_RUNS times and gives it up.
      await waitFor("export failed", async () => (await getExport(db, record.id))?.status === "failed", 60_000);
      expect((await getExport(db, record.id))!.error).toMatch(/interrupted 3 times/);
      expect(await s3.keys("killed")).toEqual([]);

      // Retried as the Exports page's button does: back to queued, a new job.
      s3.release();
      expect(await requeueExport(db, record.id)).not.toBeNull();
      await client.enqueue("export", "Common\\Job\\BatchExportJob", { export_id: record.id });
      await waitFor("export done", async () => (await getExport(db, record.id))?.status === "done", 120_000, 50);
      const done = (await getExport(db, record.id))!;
      expect(done).toMatchObject({ rowsWritten: N, rowsTotal: N, error: null });
      expect(await s3.keys("killed")).toEqual([`exports/${done.file}`]);
      const csv = await s3.get("killed", `exports/${done.file}`);
      expect(csv.length).toBe(done.sizeBytes);
      const lines = csv.toString("utf8").trimEnd().split(/\r?\n/);
      expect(lines).toHaveLength(N + 1);
      expect(lines[N]).toMatch(/^200000,商品 200000 Product,/);
      sup.kill();
      await sup.exited;
    } finally {
      s3.release();
      redis.disconnect();
      await db.destroy();
    }
  }, 240_000);
});

describe("work refuses bad export storage at start", () => {
  it("a missing bucket: one line, exit 1, no bucket created", async () => {
    const r = await runWork(cliEnv(inject("redisUrl"), testNamespace("s3bad"), s3.env("s3://no-such-bucket/x")));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `error: Export storage unusable: export storage s3://no-such-bucket/x/: bucket no-such-bucket does not exist at ${s3.endpoint}`,
    ]);
    expect(await s3.buckets()).not.toContain("no-such-bucket");
  });

  it("a read-only folder: one line, exit 1, no folder created in it", async () => {
    const ro = path.join(dir, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const target = path.join(ro, "exports");
    const env = cliEnv(inject("redisUrl"), testNamespace("robad"), { EXPORT_STORAGE: target });
    // root writes through any mode bits: run the worker as nobody then, as a deployment would.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await runWork(env, asUser);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `error: Export storage unusable: export folder ${target} is not writable by this process (EACCES on ${ro})`,
    ]);
    expect(existsSync(target)).toBe(false);
  });
});
