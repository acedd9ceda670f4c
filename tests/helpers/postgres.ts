/**
 * A private PostgreSQL 15 server for tests and the bench (Debian's `postgresql` package): initdb
 * into a temp folder the `postgres` user owns, a free loopback port, its unix socket in that
 * folder, password authentication over TCP (so a wrong password is refused as in production),
 * and fsync off (a test database need not survive a power cut). Stopped by the pid it wrote.
 *
 * Each test gets its own database: `createDatabase()` copies a migrated template (CREATE
 * DATABASE … TEMPLATE, a file copy: ~20 ms) or, with `migrated: false`, an empty one.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrate, openDb } from "@/lib/db";
import { freePort } from "./redis-server";

const run = promisify(execFile);

export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const TEMPLATE = "resque_admin_template";

export interface PostgresServer {
  port: number;
  dir: string;
  /** The postmaster's pid (from postmaster.pid). */
  pid: number;
  /** Superuser URL of `database` (default `postgres`). */
  url(database?: string): string;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return existsSync(path.join(PG_BIN, "initdb"));
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
async function asPostgres(bin: string, args: string[]): Promise<string> {
  const full = path.join(PG_BIN, bin);
  const [cmd, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", full, ...args]] : [full, args];
  try {
    const { stdout } = await run(cmd, argv, { maxBuffer: 1 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${bin} failed: ${err.stderr || err.stdout || err.message}`, { cause: e });
  }
}

function ownedByPostgres(dir: string) {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = postgresIds();
  chownSync(dir, uid, gid);
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("no postgres user: install Debian's postgresql package (apt-get install postgresql)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  if (!postgresAvailable()) throw new Error(`no PostgreSQL 15 in ${PG_BIN}: apt-get install postgresql`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsq-pg-"));
  ownedByPostgres(dir);
  const data = path.join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const pwfile = path.join(dir, "pw");
  writeFileSync(pwfile, password + "\n");
  ownedByPostgres(pwfile);
  await asPostgres("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "--pwfile",
    pwfile,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  rmSync(pwfile);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      // Each test file's web server, workers and helpers hold small pools: room for three at once.
      "-c max_connections=400",
      "-c shared_buffers=64MB",
    ].join(" ");
    try {
      await asPostgres("pg_ctl", [
        "-D",
        data,
        "-o",
        options,
        "-l",
        path.join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
    } catch (e) {
      const log = existsSync(path.join(dir, "server.log")) ? readFileSync(path.join(dir, "server.log"), "utf8") : "";
      if (/already in use|could not bind/i.test(log) && attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${(e as Error).message}\n${log}`, { cause: e });
    }
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const url = (database = "postgres") =>
      `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return {
      port,
      dir,
      pid,
      url,
      async stop() {
        // SIGINT: PostgreSQL's fast shutdown (sessions ended, no waiting for clients to leave).
        if (alive(pid)) process.kill(pid, "SIGINT");
        const deadline = Date.now() + 30_000;
        while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** One statement on the server's `postgres` database (CREATE/DROP DATABASE cannot run in a transaction). */
async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates the migrated template the test databases are copied from (global setup, once per run). */
export async function createTemplate(server: PostgresServer): Promise<void> {
  await admin(server.url(), `create database ${TEMPLATE}`);
  const db = openDb(server.url(TEMPLATE));
  try {
    await migrate(db);
  } finally {
    await db.destroy(); // CREATE DATABASE … TEMPLATE refuses while anyone is connected to it
  }
}

let counter = 0;

/**
 * A new database on the run's server (`serverUrl`: its `postgres` database URL): a copy of the
 * migrated template, or empty with `migrated: false`. Returns its URL and a drop() that ends any
 * session still connected (a killed worker's) and removes it.
 */
export async function createDatabase(
  serverUrl: string,
  opts: { migrated?: boolean } = {},
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `t_${process.pid}_${++counter}_${randomBytes(3).toString("hex")}`;
  await admin(serverUrl, `create database ${name}${opts.migrated === false ? "" : ` template ${TEMPLATE}`}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}
