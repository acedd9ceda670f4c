/**
 * Issue 17's "Navigation and state", in Chromium against the production build, in English and
 * 中文, light and dark: the Overview's links, a worker's page (from Workers, Working and Failed),
 * a job held by a dead worker, the one "all workers paused" banner and queue-state badge, Pause all
 * asking first, deep links and downloads surviving sign-in (and `next` refusing other origins),
 * the queue filter (Ctrl K), searches inside a queue and through delayed jobs, copy buttons,
 * pretty args, "Retried <ago>", the read-only banner, a viewer marking their own notifications
 * read, and the realtime chart starting from the sampler's recent samples. One server for all.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAdmin } from "@/lib/auth";
import { createNotification, findAdminByEmail, openDb, type Db } from "@/lib/db";
import { beat, buildFailureRecord, Client, Connection, JobRegistry, registerWorker, sampleHistory } from "@/lib/resque";
import { workerHref } from "@/lib/dashboard/url-path";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { dropNamespace, testNamespace, testRedis, waitFor } from "../helpers/ns";
import { signIn, startWeb, type Account, type WebServer } from "../helpers/web";

/** Fills the sign-in form the browser is on (the header holds other forms: scope to the one with a password). */
async function submitSignIn(page: Page, account: Account): Promise<void> {
  const form = page.locator("form", { has: page.locator('input[name="password"]') });
  await form.locator('input[name="email"]').fill(account.email);
  await form.locator('input[name="password"]').fill(account.password);
  await form.locator('button[type="submit"]').click();
}

const ALIVE = "web-1:4242:billing";
const DEAD = "web-2:77:reports,mail";
const EXPORT_FILE = "export_20260101000000_0123456789ab.csv";

describe("navigation and state", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-nav");
  const exportDir = mkdtempSync(path.join(os.tmpdir(), "nav-exports-"));
  const viewer: Account = { email: "viewer@e2e.test", password: "viewer-password-123", role: "viewer" };
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let browser: OpenedBrowser;
  let db: Db;

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    writeFileSync(path.join(exportDir, EXPORT_FILE), "\uFEFFID,名称\n1,navigation\n");
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, env: { EXPORT_DIR: exportDir } }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    db = openDb(web.databasePath);
    await addAdmin(db, viewer);

    const k = conn.keys;
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    await client.enqueue("mail", "SendReceipt", { to: "ann@example.com", lines: ["a", "b"], note: "x".repeat(90) });
    for (let n = 1; n <= 25; n++)
      await client.enqueue("reports", "BuildReport", { n, owner: n % 10 === 7 ? "Zoë" : "x" });
    await client.enqueue("billing", "ChargeCard", { order: 1 });
    const now = Date.now();
    for (let i = 0; i < 4; i++)
      await client.enqueueAt(now / 1000 + 3600 + i * 60, "mail", "SendReminder", { i, to: i === 2 ? "needle" : "x" });

    // A live worker running a job for 90 s, and a dead one (heartbeat 10 min old) still holding one.
    await registerWorker(conn, ALIVE);
    await beat(conn, [ALIVE]);
    const entry = (queue: string, cls: string, ageMs: number) =>
      JSON.stringify({
        queue,
        run_at: new Date(now - ageMs).toISOString(),
        payload: { class: cls, args: [{ order: 42 }] },
      });
    await redis.set(k.worker(ALIVE), entry("billing", "ChargeCard", 90_000));
    await registerWorker(conn, DEAD);
    await redis.hset(k.heartbeat, DEAD, new Date(now - 600_000).toISOString());
    await redis.set(k.worker(DEAD), entry("reports", "BuildReport", 700_000));

    // Failures: two by the live worker (one retried 3 min ago), one by another.
    const failure = (worker: string, n: number) =>
      buildFailureRecord({
        payloadRaw: JSON.stringify({ class: "ChargeCard", args: [{ order: n }] }),
        exception: "Stripe::CardError",
        error: `card declined for order ${n}`,
        backtrace: ["app/jobs/charge_card.rb:12:in `perform'", "lib/resque/job.rb:1:in `run'"],
        worker,
        queue: "billing",
      });
    const retried = JSON.parse(failure(ALIVE, 2)) as Record<string, unknown>;
    retried.retried_at = new Date(now - 180_000).toISOString();
    await redis.rpush(k.failedList("failed"), failure(ALIVE, 1), failure("web-3:9:other", 9), JSON.stringify(retried));

    await seedRecentSamples();
    await signIn(browser.page, web);
  });

  /**
   * The sampler's last minute, relative to now: the realtime chart's first points. Seeded again
   * where it is checked, since the chart keeps only the last few minutes of samples.
   */
  async function seedRecentSamples() {
    const k = conn.keys;
    await redis.del(k.historyRecent);
    for (let i = 6; i >= 1; i--) {
      await redis.mset(k.statProcessed, 100 - i * 5, k.statFailed, 3);
      await sampleHistory(conn, { nowMs: Date.now() - i * 10_000 });
    }
    await redis.mset(k.statProcessed, 100, k.statFailed, 3);
  }

  afterAll(async () => {
    await db?.destroy();
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
    rmSync(exportDir, { recursive: true, force: true });
  });

  it("links the Overview's cards to Failed, Queues and Working, its queue rows and worker rows to their pages", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(web.url);
    for (const [href, label] of [
      ["/failed", "Failed"],
      ["/queues", "Queued"],
      ["/working", "Working"],
      ["/workers", "Workers"],
      ["/stats", "Processed"],
    ] as const) {
      expect(await page.locator(`main a[data-card="${href}"]`).getAttribute("href"), label).toBe(href);
    }
    // Running queues say so; the state is never blank.
    const mailRow = page
      .locator("section", { has: page.getByRole("heading", { name: "Queues" }) })
      .locator("tbody tr", {
        hasText: "mail",
      });
    expect(await mailRow.locator("[data-queue-state]").textContent()).toBe("Running");
    await browser.screenshot("nav-overview-links-light");

    await page.locator('main a[data-card="/failed"]').click();
    await page.waitForURL((u) => u.pathname === "/failed");
    await page.goBack();
    await page.locator('main a[data-card="/working"]').click();
    await page.waitForURL((u) => u.pathname === "/working");
    await page.goBack();
    await page.getByRole("link", { name: "reports", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/queues/reports");
    await page.goBack();
    await page.getByRole("link", { name: ALIVE, exact: true }).click();
    await page.waitForURL((u) => u.pathname === workerHref(ALIVE));
    await page.locator(`h1[data-worker-id="${ALIVE}"]`).waitFor();
    expect(browser.errors()).toEqual([]);
  });

  it("shows a worker's page: record, current job and since when, counters, its own newest failures", async () => {
    const { page } = browser;
    browser.clearErrors();
    const res = await page.goto(`${web.url}${workerHref(ALIVE)}`);
    expect(res?.status()).toBe(200);
    const main = page.locator("main");
    await main.getByText("ChargeCard on billing").waitFor();
    expect(await main.getByText(/^since (\d+ seconds?|\d+ minutes?) ago · \d{4}-/).count()).toBe(1);
    expect(await main.locator("h1 [data-liveness]").textContent()).toBe("Alive");
    expect(await main.locator('[data-counter="processed"]').textContent()).toBe("0");
    const failures = main.locator("[data-worker-failures] tbody tr");
    // Newest first, the other worker's left out.
    expect(await failures.locator("td:nth-child(2) div:last-child").allTextContents()).toEqual([
      "card declined for order 2",
      "card declined for order 1",
    ]);
    expect(await main.getByRole("link", { name: "billing", exact: true }).getAttribute("href")).toBe("/queues/billing");
    await browser.screenshot("nav-worker-light");

    // Reached from Workers and from Working, and from a failure's worker.
    await page.goto(`${web.url}/workers`);
    expect(await page.getByRole("link", { name: DEAD, exact: true }).getAttribute("href")).toBe(workerHref(DEAD));
    await page.goto(`${web.url}/working`);
    const dead = page.locator(`tr[data-worker="${DEAD}"]`);
    expect(await dead.getAttribute("data-liveness")).toBe("dead");
    expect(await dead.locator("[data-dead-holder]").textContent()).toMatch(/^Dead Its worker looks dead: prune it/);
    expect(await page.locator(`tr[data-worker="${ALIVE}"] [data-dead-holder]`).count()).toBe(0);
    await browser.screenshot("nav-working-dead-light");
    await dead.getByRole("link", { name: DEAD, exact: true }).click();
    await page.waitForURL((u) => u.pathname === workerHref(DEAD));
    await page.locator("h1 [data-liveness='dead']").waitFor();

    // A worker that is gone still has a page, with its failures; an id too long for any worker is 404.
    await page.goto(`${web.url}${workerHref("web-3:9:other")}`);
    await page.getByText("This worker is not registered now").waitFor();
    expect(await page.locator("[data-worker-failures] tbody tr").count()).toBe(1);
    expect(browser.errors()).toEqual([]);
    expect((await page.goto(`${web.url}/workers/${"x".repeat(1001)}`))?.status()).toBe(404);
  });

  it("shows the worker page and Working in zh-CN, dark, at 1280 px and 390 px", { timeout: 180_000 }, async () => {
    const zh = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    const phone = await openBrowser({ colorScheme: "light", locale: "zh-CN", viewport: { width: 390, height: 844 } });
    try {
      await signIn(zh.page, web);
      await zh.page.goto(`${web.url}${workerHref(ALIVE)}`);
      await zh.page.getByText("billing 队列上的 ChargeCard").waitFor();
      await zh.page.getByRole("heading", { name: "最近的失败" }).waitFor();
      await zh.screenshot("nav-worker-dark-zh-CN");
      await zh.page.goto(`${web.url}/working`);
      await zh.page.getByText(/它的工作进程似乎已失联/).waitFor();
      await zh.screenshot("nav-working-dead-dark-zh-CN");
      await signIn(phone.page, web);
      await phone.page.goto(`${web.url}${workerHref(ALIVE)}`);
      await phone.page.getByText("billing 队列上的 ChargeCard").waitFor();
      await phone.screenshot("nav-worker-390-light-zh-CN");
      expect(zh.errors()).toEqual([]);
    } finally {
      await Promise.all([zh.close(), phone.close()]);
    }
  });

  it(
    "asks before pausing all workers, then says so on Overview, Queues, Workers and each queue's page",
    { timeout: 180_000 },
    async () => {
      const { page } = browser;
      browser.clearErrors();
      const key = conn.keys.pauseAllWorkers;
      await page.goto(`${web.url}/queues`);
      await page.getByRole("button", { name: "Pause all workers" }).click();
      await page.getByText("Pause all workers? No job starts on any queue until they are resumed.").waitFor();
      expect(await redis.exists(key)).toBe(0); // asking changes nothing
      await browser.screenshot("nav-pause-all-confirm-light");
      await page.getByRole("button", { name: "Yes, do it" }).click();
      await waitFor("all workers paused", async () => (await redis.get(key)) === "true");
      await page.locator('[data-banner="all-paused"]').waitFor();
      expect(await page.locator('tr[data-queue="reports"] [data-queue-state]').textContent()).toBe("Paused (all)");

      for (const path of ["/", "/workers", "/queues/reports"]) {
        await page.goto(`${web.url}${path}`);
        const banner = page.locator('[data-banner="all-paused"]');
        expect((await banner.textContent())?.trim(), path).toBe(
          "All workers are paused (pause-all-workers): no job starts until they are resumed.",
        );
      }
      expect(await page.locator("h1 [data-queue-state]").textContent()).toBe("Paused (all)");
      await browser.screenshot("nav-queue-all-paused-light");

      const zh = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
      try {
        await signIn(zh.page, web);
        await zh.page.goto(web.url);
        await zh.page.locator('[data-banner="all-paused"]').getByText("所有工作进程已暂停").waitFor();
        expect(await zh.page.locator('main [data-queue-state="held"]').first().textContent()).toBe("全部暂停");
        await zh.screenshot("nav-overview-all-paused-dark-zh-CN");
        await zh.page.goto(`${web.url}/queues`);
        await zh.page.getByRole("button", { name: "恢复所有工作进程" }).click();
        await waitFor("all workers resumed", async () => (await redis.exists(key)) === 0);
        await zh.page.locator('[data-banner="all-paused"]').waitFor({ state: "detached" });
        expect(await zh.page.locator('tr[data-queue="reports"] [data-queue-state]').textContent()).toBe("运行中");
      } finally {
        await zh.close();
      }
      expect(browser.errors()).toEqual([]);
    },
  );

  // Seven sign-ins (argon2 each): minutes on a loaded 2-core machine.
  it(
    "brings a signed-out deep link back after sign-in, refuses other origins, and returns to a download",
    {
      timeout: 240_000,
    },
    async () => {
      const anon = await openBrowser({ colorScheme: "light" });
      try {
        const { page } = anon;
        await page.goto(`${web.url}/queues/reports?page=2&per=20`);
        await page.waitForURL((u) => u.pathname === "/sign-in");
        expect(new URL(page.url()).searchParams.get("next")).toBe("/queues/reports?page=2&per=20");
        await page.getByText("Sign in to continue to /queues/reports?page=2&per=20").waitFor();
        await anon.screenshot("nav-sign-in-next-light");
        await submitSignIn(page, web.account!);
        await page.waitForURL((u) => u.pathname === "/queues/reports");
        expect(new URL(page.url()).searchParams.get("page")).toBe("2");
        await page.getByText("Showing 21–25 of 25").first().waitFor();
        // Signed in already: /sign-in?next= goes straight there.
        await page.goto(`${web.url}/sign-in?next=${encodeURIComponent("/workers")}`);
        await page.waitForURL((u) => u.pathname === "/workers");
      } finally {
        await anon.close();
      }

      for (const next of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"]) {
        const b = await openBrowser();
        try {
          await b.page.goto(`${web.url}/sign-in?next=${encodeURIComponent(next)}`);
          expect(await b.page.locator("[data-sign-in-next]").count(), next).toBe(0);
          expect(await b.page.locator('input[name="next"]').count(), next).toBe(0);
          await submitSignIn(b.page, web.account!);
          await b.page.waitForURL((u) => u.pathname !== "/sign-in");
          expect(new URL(b.page.url()).origin + new URL(b.page.url()).pathname, next).toBe(`${web.url}/`);
        } finally {
          await b.close();
        }
      }
      // The action checks `next` itself: a forged form field is refused the same way.
      const forged = await openBrowser();
      try {
        await forged.page.goto(`${web.url}/sign-in?next=/failed`);
        await forged.page
          .locator('input[name="next"]')
          .evaluate((el) => ((el as HTMLInputElement).value = "//evil.example"));
        await submitSignIn(forged.page, web.account!);
        await forged.page.waitForURL((u) => u.pathname !== "/sign-in");
        expect(forged.page.url()).toBe(`${web.url}/`);
      } finally {
        await forged.close();
      }

      // A download link opened signed out: sign-in, then the file itself.
      const zh = await openBrowser({ locale: "zh-CN" });
      try {
        const file = `/uploads/export/${EXPORT_FILE}`;
        await zh.page.goto(`${web.url}${file}`);
        await zh.page.waitForURL((u) => u.pathname === "/sign-in");
        await zh.page.getByText(`登录后继续前往 ${file}`).waitFor();
        await zh.screenshot("nav-sign-in-download-light-zh-CN");
        const [download] = await Promise.all([zh.page.waitForEvent("download"), submitSignIn(zh.page, web.account!)]);
        expect(download.suggestedFilename()).toBe(EXPORT_FILE);
      } finally {
        await zh.close();
      }
      // A script still gets a plain 401, not a sign-in page.
      const res = await fetch(`${web.url}/uploads/export/${EXPORT_FILE}`, { redirect: "manual" });
      expect(res.status).toBe(401);
    },
  );

  it(
    "filters queue names with Ctrl K, searches a queue's jobs and delayed jobs, copies ids, args and backtraces",
    { timeout: 180_000 },
    async () => {
      const { page, context } = browser;
      browser.clearErrors();
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web.url });
      await page.goto(`${web.url}/queues`);
      await page.locator('tr[data-queue="mail"]').waitFor();
      await page.locator("body").press("Control+k");
      expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-queue-filter"))).toBe(true);
      await page.keyboard.type("REP");
      await page.getByText("1 of 3 queues").waitFor();
      expect(
        await page.locator("tr[data-queue]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-queue"))),
      ).toEqual(["reports"]);
      await browser.screenshot("nav-queue-filter-light");
      await page.keyboard.type("zzz");
      await page.getByText("No queue name contains “REPzzz”.").waitFor();

      // Inside a queue: the search is in the URL, bounded, and says how far it looked.
      await page.goto(`${web.url}/queues/reports`);
      await page.getByRole("searchbox", { name: "Search" }).fill("zoë");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get("q") === "zoë");
      await page.getByText("2 matching “zoë” among the first 5,000 jobs of the queue.").waitFor();
      expect(await page.locator("main tbody tr td:first-child").allTextContents()).toEqual(["7", "17"]);
      await browser.screenshot("nav-queue-search-light");
      await page.getByRole("link", { name: "Clear" }).click();
      await page.waitForURL((u) => !u.searchParams.has("q"));
      await page.getByText("Showing 1–20 of 25").first().waitFor();

      // Long args open pretty-printed, as on Failed, with a copy button; a job id copies too.
      await page.goto(`${web.url}/queues/mail`);
      const row = page.locator("main tbody tr").first();
      await row.locator("details summary").click();
      const pretty = await row.locator("[data-args-pretty]").textContent();
      expect(pretty).toContain('\n    "to": "ann@example.com",');
      await row.getByRole("button", { name: "Copy Arguments" }).click();
      await row.getByText("Copied").waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pretty);
      const id = JSON.parse((await redis.lindex(conn.keys.queue("mail"), 0))!).id as string;
      await row.getByRole("button", { name: "Copy Job id" }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(id);
      await browser.screenshot("nav-queue-pretty-args-light");

      // Delayed: matches among the earliest 5,000, each linking to its timestamp.
      await page.goto(`${web.url}/delayed?q=needle`);
      await page.getByText("1 matching “needle” among the first 5,000 delayed jobs (earliest first).").waitFor();
      const hit = page.locator("[data-delayed-search] tbody tr");
      expect(await hit.count()).toBe(1);
      expect(await hit.locator("td").nth(1).textContent()).toBe("SendReminder");
      await browser.screenshot("nav-delayed-search-light");
      await hit.getByRole("link").click();
      await page.waitForURL((u) => /^\/delayed\/\d+$/.test(u.pathname));

      // Failed: "Retried 3 minutes ago", and the backtrace copies whole.
      await page.goto(`${web.url}/failed`);
      expect(await page.locator('main [data-badge="retried"]').textContent()).toMatch(/^Retried \d+ minutes ago$/);
      const failedRow = page.locator("main tbody tr", { hasText: "card declined for order 2" }).first();
      await failedRow.getByRole("button", { name: /Details/ }).click();
      await page.getByRole("button", { name: "Copy Backtrace" }).click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe("app/jobs/charge_card.rb:12:in `perform'\nlib/resque/job.rb:1:in `run'");
      expect(await failedRow.getByRole("link", { name: ALIVE }).getAttribute("href")).toBe(workerHref(ALIVE));
      await browser.screenshot("nav-failed-retried-copy-light");
      expect(browser.errors()).toEqual([]);
    },
  );

  it("searches and marks retried in zh-CN, dark", { timeout: 180_000 }, async () => {
    const zh = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(zh.page, web);
      await zh.page.goto(`${web.url}/queues`);
      await zh.page.getByRole("searchbox", { name: "筛选队列" }).fill("ma");
      await zh.page.getByText("1 / 3 个队列").waitFor();
      await zh.screenshot("nav-queue-filter-dark-zh-CN");
      await zh.page.goto(`${web.url}/queues/reports?q=${encodeURIComponent("Zoë")}`);
      await zh.page.getByText("队列前 5,000 个任务中有 2 个匹配“Zoë”。").waitFor();
      await zh.screenshot("nav-queue-search-dark-zh-CN");
      await zh.page.goto(`${web.url}/delayed?q=needle`);
      await zh.page.getByText("前 5,000 个延迟任务（最早的在前）中有 1 个匹配“needle”。").waitFor();
      await zh.screenshot("nav-delayed-search-dark-zh-CN");
      await zh.page.goto(`${web.url}/failed`);
      expect(await zh.page.locator('main [data-badge="retried"]').textContent()).toMatch(/^\d+分钟前已重试$/);
      await zh.screenshot("nav-failed-retried-dark-zh-CN");
      expect(zh.errors()).toEqual([]);
    } finally {
      await zh.close();
    }
  });

  it(
    "tells a viewer the dashboard is read-only, and lets them mark their own notifications read",
    {
      timeout: 180_000,
    },
    async () => {
      const me = await findAdminByEmail(db, viewer.email);
      await createNotification(db, { recipient: { type: "admin", id: me!.id }, message: "Export ready" });
      for (const [locale, scheme, banner, bell, markAll] of [
        ["en-US", "light", "You are signed in as a viewer", "Notifications: 1 unread", "Mark all read"],
        ["zh-CN", "dark", "你以只读身份登录", "通知：1 条未读", "全部标为已读"],
      ] as const) {
        const b = await openBrowser({ locale, colorScheme: scheme });
        try {
          await signIn(b.page, web, viewer);
          await b.page.goto(`${web.url}/queues`);
          await b.page.locator('[data-banner="read-only"]').getByText(banner).waitFor();
          await b.screenshot(`nav-viewer-banner-${scheme}-${locale}`);
          if (locale === "en-US") {
            await b.page.getByRole("button", { name: bell }).click();
            const mark = b.page.getByRole("button", { name: markAll });
            expect(await mark.isDisabled()).toBe(false);
            await mark.click();
            await waitFor("the viewer's notification read", async () => {
              const row = await db.selectFrom("notifications").select("read_at").executeTakeFirst();
              return row?.read_at != null;
            });
            await b.page.getByRole("button", { name: "Notifications: 0 unread" }).waitFor();
          } else {
            // Read already: the bell shows none, and write buttons stay disabled for a viewer.
            await b.page.getByRole("button", { name: "通知：0 条未读" }).waitFor();
            expect(await b.page.getByRole("button", { name: "暂停所有工作进程" }).isDisabled()).toBe(true);
          }
          expect(b.errors()).toEqual([]);
        } finally {
          await b.close();
        }
      }
      // An admin's bell is untouched, and the viewer's mark is in the audit log as theirs.
      const audit = await db
        .selectFrom("audit_log")
        .select(["actor_email", "action", "result"])
        .where("action", "=", "demo.notifications.read_all")
        .execute();
      expect(audit).toEqual([{ actor_email: viewer.email, action: "demo.notifications.read_all", result: "ok" }]);
    },
  );

  it("draws the realtime chart from the sampler's recent samples on the first paint, not 'Measuring…'", async () => {
    await seedRecentSamples();
    // The server's HTML already has the rates: no poll has run.
    const html = await (await fetch(web.url, { headers: { cookie: await sessionCookie(browser) } })).text();
    const points = Number(/data-chart="realtime" data-points="(\d+)"/.exec(html)?.[1]);
    expect(points).toBeGreaterThanOrEqual(5);
    expect(html).not.toContain("Measuring");
    const { page } = browser;
    await page.goto(web.url);
    expect(await page.locator("[data-rate-text]").textContent()).toMatch(/^Now: \d+(\.\d)? processed\/s/);
    await browser.screenshot("nav-realtime-seeded-light");
  });
});

/** The browser's session cookie as a Cookie header, for a request made outside the page. */
async function sessionCookie(b: OpenedBrowser): Promise<string> {
  return (await b.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}
