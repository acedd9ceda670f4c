/**
 * The CRUD demo's end-to-end stack, as every tests/e2e/demo-*.test.ts file starts it: `next start`
 * on its own Redis namespace and database (SQLite, or PostgreSQL in e2e-pg), the demo data seeded, Chromium signed in as the
 * admin, and real worker processes (`work`, the CLI bundle) on the web's DATABASE_URL when a test
 * asks for them. stop() ends only what this stack started, by pid, and may be called twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, inject } from "vitest";
import { migrate, openDb, seedDemo, type Db } from "@/lib/db";
import { openBrowser, type OpenBrowserOptions, type OpenedBrowser } from "./browser";
import { dropNamespace, testNamespace, testRedis } from "./ns";
import { cliEnv, startCli, type Running } from "./processes";
import { signIn, startWeb, type WebServer } from "./web";

export interface DemoStackOptions {
  /** Names the Redis namespace (`test-<label>-<random>`) and the temp folder. */
  label: string;
  /** Rows seedDemo writes before the browser signs in. */
  seed: { products: number; users: number };
  /** The web server's extra environment, given the stack's temp folder (for outbox or export paths). */
  env?: (dir: string) => Record<string, string | undefined>;
  browser?: OpenBrowserOptions;
}

export interface DemoStack {
  redisUrl: string;
  namespace: string;
  /** A client of the test's own, for asserting on the namespace. */
  redis: Redis;
  web: WebServer;
  /** Signed in as the web's admin. */
  browser: OpenedBrowser;
  /** The web's database, opened by the test. */
  db: Db;
  /** A temp folder of this stack, removed by stop(). */
  dir: string;
  /**
   * Starts `work` (one worker, the scheduler included) against this namespace and the web's
   * database; `env` adds to or overrides its environment (QUEUE, EXPORT_DIR, SMTP_URL…).
   */
  work(env?: Record<string, string>): Running;
  stop(): Promise<void>;
}

export async function startDemoStack(opts: DemoStackOptions): Promise<DemoStack> {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace(opts.label);
  const dir = mkdtempSync(path.join(os.tmpdir(), `${opts.label}-`));
  const redis = testRedis();
  const workers: Running[] = [];
  const s = { redisUrl, namespace, redis, dir } as DemoStack;
  let stopping: Promise<void> | undefined;
  s.stop = () => (stopping ??= stopAll());
  async function stopAll() {
    for (const w of workers) {
      w.kill();
      await w.exited;
    }
    await s.browser?.close();
    await s.db?.destroy();
    await s.web?.stop();
    await dropNamespace(redis, namespace);
    rmSync(dir, { recursive: true, force: true });
  }
  s.work = (env = {}) => {
    const w = startCli(
      ["work"],
      cliEnv(redisUrl, namespace, { QUEUE_COUNT: "1", DATABASE_URL: s.web.databasePath, ...env }),
    );
    workers.push(w);
    return w;
  };
  try {
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, env: opts.env?.(dir) }),
      openBrowser(opts.browser ?? { colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") s.web = w.value;
    if (b.status === "fulfilled") s.browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    s.db = openDb(s.web.databasePath);
    await migrate(s.db);
    await seedDemo(s.db, opts.seed);
    await signIn(s.browser.page, s.web);
  } catch (e) {
    await s.stop();
    throw e;
  }
  return s;
}

/**
 * Registers beforeAll/afterAll that start and stop a demo stack for the enclosing describe; read
 * the fields inside tests and later hooks (the object is filled in when beforeAll has run).
 */
export function useDemoStack(opts: DemoStackOptions): DemoStack {
  const state = {} as DemoStack;
  beforeAll(async () => {
    Object.assign(state, await startDemoStack(opts));
  });
  afterAll(() => state.stop?.());
  return state;
}
