/**
 * Two of everything (issue 13 item 4), project e2e-hosts only: two `next start` (hostnames web-a
 * and web-b) and two worker supervisors (worker-a, worker-b) on one PostgreSQL, one Redis and one
 * export folder, each process in a UTS namespace of its own (`unshare --uts`) so its
 * os.hostname() is the host it plays. A session made on web A acts on web B; an export run by
 * each supervisor downloads from both web hosts; the Workers page groups both worker hosts; the
 * audit log names the web host of each action. Then two hosts run `setup` at the same instant on
 * fresh databases, five times: one set of migrations, one first admin, one demo seed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  countAdmins,
  DEMO_PRODUCTS,
  getExport,
  listAppliedMigrations,
  listExports,
  migrationLabel,
  openDb,
  seedDemo,
  type Db,
} from "@/lib/db";
import { migrations } from "@/lib/db/migrations/index";
import { openBrowser, type OpenBrowserOptions, type OpenedBrowser } from "../helpers/browser";
import { dropNamespace, testNamespace, testRedis, waitFor } from "../helpers/ns";
import { createDatabase } from "../helpers/postgres";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { signInWithForm, startWeb, type WebServer } from "../helpers/web";

const PRODUCTS = 40;

describe("two web hosts and two worker supervisors on one PostgreSQL, Redis and export folder", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-many-hosts");
  const storage = mkdtempSync(path.join(os.tmpdir(), "e2e-many-hosts-"));
  // What every host shares: the secret that signs session cookies, and the export folder.
  const shared = { AUTH_SECRET: randomBytes(24).toString("hex"), EXPORT_STORAGE: storage };
  const drops: (() => Promise<void>)[] = [];
  const supervisors: Running[] = [];
  let redis: Redis;
  let databaseUrl: string;
  let db: Db;
  let webA: WebServer;
  let webB: WebServer;
  let onA: OpenedBrowser;
  const exportIds: Record<"a" | "b", number> = { a: 0, b: 0 };

  /** A worker supervisor on host `worker-<h>`, running the demo's exports and notifications. */
  function supervisor(h: "a" | "b"): Running {
    const env = cliEnv(redisUrl, namespace, {
      ...shared,
      DATABASE_URL: databaseUrl,
      QUEUE: "export,notification",
      QUEUE_COUNT: "1",
    });
    const s = startCli(["work"], env, { hostname: `worker-${h}` });
    supervisors.push(s);
    return s;
  }

  /** Stops a supervisor as `npm start` does (QUIT: the current job finishes) and waits for its exit. */
  async function stopSupervisor(s: Running) {
    s.kill("SIGQUIT");
    await s.exited;
  }

  /** A browser carrying `from`'s cookies (the session made on web A). */
  async function browserWithSession(from: BrowserContext, opts: OpenBrowserOptions = {}): Promise<OpenedBrowser> {
    const b = await openBrowser(opts);
    await b.context.addCookies(await from.cookies());
    return b;
  }

  /** Clicks "Export all … to CSV" on `web`'s Products page and returns the new export's id. */
  async function exportFrom(page: Page, web: WebServer): Promise<number> {
    const before = (await listExports(db)).items[0]?.id ?? 0;
    await page.goto(`${web.url}/products`);
    await page.getByRole("button", { name: `Export all ${PRODUCTS} matching to CSV` }).click();
    await page.getByRole("link", { name: "See its progress on the Exports page →" }).waitFor();
    const id = (await listExports(db)).items[0]!.id;
    expect(id).toBeGreaterThan(before);
    return id;
  }

  async function waitDone(id: number) {
    await waitFor(`export ${id} done`, async () => (await getExport(db, id))?.status === "done", 120_000);
  }

  beforeAll(async () => {
    redis = testRedis();
    const database = await createDatabase(inject("postgresUrl"), { migrated: false });
    drops.push(database.drop);
    databaseUrl = database.url;
    // A migrates the empty database and adds the admin before it starts; B starts on it at the
    // same time with no account of its own (its first request finds the migrations applied).
    const [a, b, browser] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, databaseUrl, hostname: "web-a", env: shared }),
      startWeb({ redisUrl, namespace, databaseUrl, hostname: "web-b", env: shared, account: false }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (a.status === "fulfilled") webA = a.value;
    if (b.status === "fulfilled") webB = b.value;
    if (browser.status === "fulfilled") onA = browser.value;
    for (const r of [a, b, browser]) if (r.status === "rejected") throw r.reason;
    db = openDb(databaseUrl);
    await seedDemo(db, { products: PRODUCTS, users: 1 });
    // Two `next start` and Chromium at once: on a loaded 2-core machine (load average 19) one
    // run went past the default 120 s hook time, where the other files start one server.
  }, 240_000);

  afterAll(async () => {
    for (const s of supervisors) {
      s.kill();
      await s.exited;
    }
    await onA?.close();
    await db?.destroy();
    await webA?.stop();
    await webB?.stop();
    for (const drop of drops) await drop();
    if (redis) await dropNamespace(redis, namespace);
    rmSync(storage, { recursive: true, force: true });
  });

  it("signs in on web A and acts on web B with the same cookie; each supervisor runs one export", async () => {
    await signInWithForm(onA.page, webA);
    // Export 1, asked on web A, while only worker-a runs: worker-a runs it.
    const supA = supervisor("a");
    exportIds.a = await exportFrom(onA.page, webA);
    await waitDone(exportIds.a);
    await stopSupervisor(supA);

    // Export 2, asked on web B by a browser that never signed in there, while only worker-b runs.
    const onB = await browserWithSession(onA.context);
    try {
      const res = await onB.page.goto(`${webB.url}/products`);
      expect(res?.status()).toBe(200);
      expect(new URL(onB.page.url()).pathname).toBe("/products");
      supervisor("b");
      exportIds.b = await exportFrom(onB.page, webB);
      await waitDone(exportIds.b);
    } finally {
      await onB.close();
    }
    supervisor("a");
    // Two supervisors started and one stopped, two exports: 10-46 s in earlier runs, past 60 s in a full run at load 40-56.
  }, 180_000);

  it("downloads each supervisor's export from both web hosts, the same bytes", async () => {
    for (const id of [exportIds.a, exportIds.b]) {
      const file = (await getExport(db, id))!.file!;
      const onDisk = readFileSync(path.join(storage, file));
      expect(onDisk.length).toBeGreaterThan(0);
      for (const web of [webA, webB]) {
        const res = await onA.page.request.get(`${web.url}/uploads/export/${file}`);
        expect(res.status(), `${file} from ${web.url}`).toBe(200);
        expect(Buffer.compare(await res.body(), onDisk), `${file} from ${web.url}`).toBe(0);
      }
    }
  });

  it("groups the workers under both worker hosts on the Workers page", async () => {
    const { page } = onA;
    await page.goto(`${webA.url}/workers`);
    for (const host of ["worker-a", "worker-b"])
      await page.getByRole("heading", { name: `Host ${host}` }).waitFor({ timeout: 60_000 });
  });

  it("shows on the audit log which web host did what, in both languages and themes, 1280 and 390 px wide", async () => {
    const { page } = onA;
    await page.goto(`${webB.url}/audit?action=demo.product.export`);
    const hosts = await page
      .locator("main tbody tr td[data-host]")
      .evaluateAll((tds) => tds.map((td) => td.getAttribute("data-host")));
    // Newest first: export 2 was asked on web B, export 1 on web A.
    expect(hosts).toEqual(["web-b", "web-a"]);
    // The host link filters the log to that host.
    await page.locator('td[data-host="web-a"] a').click();
    await page.waitForURL((u) => u.searchParams.get("host") === "web-a");
    expect(await page.locator("main tbody tr").count()).toBe(1);

    // A row written before migration 004 has no host: shown as a dash, not an error.
    await db
      .insertInto("audit_log")
      .values({ at: Date.now() - 60_000, action: "queue.clear", target: "mail", result: "ok", host: null })
      .execute();
    await page.goto(`${webA.url}/audit`);
    expect(await page.locator('td[data-host=""]').innerText()).toBe("–");

    for (const locale of ["en-US", "zh-CN"] as const)
      for (const colorScheme of ["light", "dark"] as const) {
        const b = await browserWithSession(onA.context, { locale, colorScheme });
        try {
          await b.page.goto(`${webA.url}/audit`);
          await b.page.locator('td[data-host="web-b"]').first().waitFor();
          // At 1280 px the whole table, Host included, fits without a sideways scroll.
          const box = b.page.locator("main div.overflow-x-auto").first();
          expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
          await b.screenshot(`many-hosts-audit-1280-${locale}-${colorScheme}`);
          await b.page.setViewportSize({ width: 390, height: 800 });
          // The table scrolls in its own box; the page itself never gets wider than the phone.
          expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
          // There the host also stands under the time, in the column a phone shows first.
          await b.page.locator("main tbody tr").first().locator("td").first().getByText("web-b").waitFor();
          await b.screenshot(`many-hosts-audit-390-${locale}-${colorScheme}`);
        } finally {
          await b.close();
        }
      }
  });
});

describe("two hosts running setup at the same instant on one fresh database", () => {
  const serverUrl = inject("postgresUrl");
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  /** The environment of a `setup` on `url`, with nothing of the test process's own database settings. */
  function env(url: string, extra: Record<string, string>): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, ...extra };
    delete e.DEMO_SEED;
    return e;
  }

  it("apply each migration once, create one first admin and seed the demo once (5 rounds)", async () => {
    for (let round = 1; round <= 5; round++) {
      const { url, drop } = await createDatabase(serverUrl, { migrated: false });
      drops.push(drop);
      // Different ADMIN_EMAILs, so only the lock (not the email's UNIQUE) can keep it to one admin.
      const hosts = (["a", "b"] as const).map((h) =>
        startCli(
          ["setup"],
          env(url, { ADMIN_EMAIL: `${h}@round${round}.test`, ADMIN_PASSWORD: "a long enough secret" }),
          { hostname: `host-${h}` },
        ),
      );
      const exits = await Promise.all(hosts.map((h) => h.exited));
      const outputs = hosts.map((h) => h.output());
      const joined = outputs.join("\n---\n");
      expect(exits, joined).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
      // Each migration applied by exactly one of them (they may share the list out: each
      // migration takes the advisory lock on its own).
      const applied = [...joined.matchAll(/^Database migrated: (.*)\.$/gm)].flatMap((m) => m[1]!.split(", "));
      expect(applied.sort(), joined).toEqual(migrations.map(migrationLabel).sort());
      expect(joined.match(/created the first admin/g)?.length, joined).toBe(1);
      expect(joined.match(/Demo data seeded/g)?.length, joined).toBe(1);

      const db = openDb(url);
      try {
        expect((await listAppliedMigrations(db)).map((m) => m.version)).toEqual(migrations.map((m) => m.version));
        expect(await countAdmins(db)).toBe(1);
        const n = await db
          .selectFrom("products")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        expect(n.n).toBe(DEMO_PRODUCTS);
      } finally {
        await db.destroy();
      }
    }
    // Ten processes, each migrating or seeding: 11-26 s in earlier runs, past 60 s in a full run at load 40-56.
  }, 180_000);
});
