/**
 * Page structure and phones (issue 17), against `next start` with one server for every check:
 * every page under app/(dashboard) — enumerated from the file system, dynamic ones filled with
 * seeded records — at a 390 px viewport in English and 中文 is no wider than the viewport, has a
 * title of its own and exactly one h1; the skip link is the first Tab stop and lands in <main>;
 * at 390 px the sections fold behind Menu and the account menu reaches the e-mail and Sign out;
 * at 1280 px the header is one row in both languages; an unknown queue's 404 links the queues
 * that exist, and no 404 talks about pages "not built yet". Screenshots of five key pages at 390
 * and 1280 px, English and 中文, light and dark, land in tests/.artifacts/screenshots
 * (`layout-<page>-<width>-<locale>-<theme>.png`); scripts/readme-screenshots.sh copies the README's.
 */
import type { Redis } from "ioredis";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDb, recordAudit, seedDemo } from "@/lib/db";
import {
  buildFailureRecord,
  Client,
  Connection,
  formatFailedId,
  JobRegistry,
  pauseQueue,
  registerWorker,
  saveSchedule,
  sha1Hex,
} from "@/lib/resque";
import { openBrowser, type OpenBrowserOptions, type OpenedBrowser } from "../helpers/browser";
import { dropNamespace, testNamespace, testRedis } from "../helpers/ns";
import { appRoutes, isDynamic } from "../helpers/routes";
import { signIn, startWeb, type WebServer } from "../helpers/web";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const LOCALES = ["en-US", "zh-CN"] as const;

/** The pages the screenshots show, by name. */
const KEY_PAGES = { overview: "/", queues: "/queues", failed: "/failed", products: "/products", audit: "/audit" };

describe("page structure and phones", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-layout");
  let redis: Redis;
  let web: WebServer;
  /** Pattern on disk → the URL visited (dynamic segments filled with seeded records). */
  let urls: Map<string, string>;
  const opened: OpenedBrowser[] = [];

  /** A signed-in browser; closed in afterAll. */
  async function browser(opts: OpenBrowserOptions): Promise<OpenedBrowser> {
    const b = await openBrowser(opts);
    opened.push(b);
    await signIn(b.page, web);
    return b;
  }

  beforeAll(async () => {
    redis = testRedis();
    web = await startWeb({ redisUrl, namespace });
    const conn = new Connection({ redis, namespace });
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    for (let i = 1; i <= 3; i++)
      await client.enqueue("mail", "SendReceipt", { order: 1000 + i, to: `c${i}@example.com` });
    await client.enqueue("reports_nightly_rollup", "BuildMonthlyRevenueReport", { month: "2026-11" });
    await pauseQueue(conn, "reports_nightly_rollup");
    const jobRaw = (await redis.lindex(conn.keys.queue("mail"), 0))!;
    const failedRaw = buildFailureRecord({
      payloadRaw: jobRaw,
      exception: "Net::SMTPServerBusy",
      error: "454 4.7.0 Temporary authentication failure: try again later (mx1.example.com)",
      backtrace: ["/app/jobs/send_receipt.rb:42:in `perform'", "/app/lib/mailer.rb:17:in `deliver'"],
      worker: "web-1:4242:mail",
      queue: "mail",
    });
    await redis.rpush(conn.keys.failed, failedRaw);
    await client.enqueueAt(Math.floor(Date.now() / 1000) + 3600, "mail", "SendReminder", { order: 1001 });
    const delayedTs = (await redis.zrange(conn.keys.delayedSchedule, "0", "0"))[0]!;
    await saveSchedule(conn, { name: "nightly_report", className: "BuildReport", cron: "0 3 * * *", queue: "reports" });
    await registerWorker(conn, "web-1:4242:mail,reports_nightly_rollup");
    const db = openDb(web.databasePath);
    try {
      await seedDemo(db, { products: 30, users: 30 });
      for (const [action, target] of [
        ["queue.pause", "reports_nightly_rollup"],
        ["failed.retry", "mail"],
      ] as const)
        await recordAudit(db, {
          actor: { id: null, email: "admin@e2e.test" },
          action,
          target,
          items: [target],
          result: "ok",
          detail: "",
          ip: "203.0.113.7",
        });
    } finally {
      await db.destroy();
    }
    const samples: Record<string, string> = {
      "/queues/[name]": "/queues/mail",
      "/failed/[id]": `/failed/${formatFailedId(0, sha1Hex(failedRaw))}`,
      "/delayed/[timestamp]": `/delayed/${delayedTs}`,
      "/products/[id]": "/products/1",
      "/users/[id]": "/users/1",
      "/schedules/[name]/edit": "/schedules/nightly_report/edit",
      "/workers/[id]": `/workers/${encodeURIComponent("web-1:4242:mail,reports_nightly_rollup")}`,
    };
    const query: Record<string, string> = { "/stats/key": `?key=${encodeURIComponent(conn.keys.queue("mail"))}` };
    urls = new Map();
    for (const r of appRoutes("(dashboard)").filter((x) => x.kind === "page")) {
      const url = isDynamic(r) ? samples[r.pattern] : r.pattern;
      // A new dynamic page needs a record to show: add one above rather than letting it 404.
      if (!url) throw new Error(`no sample URL for ${r.pattern} (${r.file}): add one to samples in this file`);
      urls.set(r.pattern, url + (query[r.pattern] ?? ""));
    }
  });

  afterAll(async () => {
    const closing = await Promise.allSettled(opened.map((b) => b.close()));
    await web?.stop();
    await dropNamespace(redis, namespace);
    redis?.disconnect();
    for (const c of closing) if (c.status === "rejected") throw c.reason;
  });

  /** Goes to `path` and waits for the page's h1 and title (metadata may stream in after the body). */
  async function visit(page: Page, path: string) {
    const res = await page.goto(web.url + path);
    await page.locator("h1").first().waitFor();
    await page.waitForFunction(() => document.title !== "");
    return res;
  }

  /** Elements sticking out past the viewport's right edge, not inside a box that scrolls: what widens the page. */
  function overflowing(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const scrolls = (e: Element) => /auto|scroll|hidden/.test(getComputedStyle(e).overflowX);
      const out: string[] = [];
      for (const e of document.querySelectorAll("body *")) {
        if (e.getBoundingClientRect().right <= vw + 0.5) continue;
        let p = e.parentElement;
        while (p && p !== document.body && !scrolls(p)) p = p.parentElement;
        if (p && p !== document.body) continue;
        out.push(
          `<${e.tagName.toLowerCase()} class="${e.getAttribute("class") ?? ""}"> ${(e.textContent ?? "").slice(0, 60)}`,
        );
      }
      return out.slice(-8);
    });
  }

  /**
   * Short labels (at most 8 characters: 审计日志, 已暂停, Pause) drawn on more than one line: what
   * Chinese text does when a narrow column lets it break between any two characters.
   */
  function brokenLabels(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const out: string[] = [];
      for (const e of document.querySelectorAll("th, button, label, nav a, span.rounded, [data-badge]")) {
        const text = (e.textContent ?? "").trim();
        if (!text || [...text].length > 8) continue;
        // Line boxes of the label's text (icons left out), told apart by a top 8 px or more lower.
        const tops: number[] = [];
        const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
        }
        tops.sort((a, b) => a - b);
        const lines = { size: tops.filter((t, i) => i === 0 || t - tops[i - 1]! >= 8).length };
        if (lines.size > 1) out.push(`"${text}" on ${lines.size} lines`);
      }
      return out;
    });
  }

  it("finds the dashboard's pages on disk", () => {
    expect([...urls.keys()]).toEqual(expect.arrayContaining(["/", "/queues", "/queues/[name]", "/outbox", "/audit"]));
  });

  for (const locale of LOCALES) {
    it(`every page fits 390 px, has its own title and one h1 (${locale})`, async () => {
      const dark = locale === "zh-CN";
      const b = await browser({ locale, viewport: PHONE, colorScheme: dark ? "dark" : "light" });
      const titles = new Map<string, string>();
      const problems: string[] = [];
      for (const [pattern, url] of urls) {
        const res = await visit(b.page, url);
        expect(res?.status(), `${url} answers`).toBe(200);
        const width = await b.page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width)
          problems.push(`${url}: ${width} px wide\n    ${(await overflowing(b.page)).join("\n    ")}`);
        for (const broken of await brokenLabels(b.page)) problems.push(`${url}: ${broken}`);
        const h1 = await b.page.locator("h1").count();
        if (h1 !== 1) problems.push(`${url}: ${h1} h1 elements`);
        titles.set(pattern, await b.page.title());
        await b.screenshot(`layout-all${pattern.replace(/[^\w]+/g, "-")}-390-${locale}`);
      }
      expect(problems).toEqual([]);
      const app = locale === "zh-CN" ? "Resque 管理" : "Resque Admin";
      for (const [pattern, title] of titles) {
        expect(title, pattern).toMatch(new RegExp(`^\\S.* · ${app}$`));
      }
      const byTitle = new Map<string, string[]>();
      for (const [pattern, title] of titles) byTitle.set(title, [...(byTitle.get(title) ?? []), pattern]);
      expect(
        [...byTitle.values()].filter((p) => p.length > 1),
        "pages sharing a title",
      ).toEqual([]);
      if (locale === "zh-CN") expect(titles.get("/failed")).toBe("失败任务 · Resque 管理");
      else expect(titles.get("/failed")).toBe("Failed jobs · Resque Admin");
      // About 25 pages with a screenshot each: 25-50 s on a loaded 2-core machine, past the default 60 s at worst.
    }, 150_000);
  }

  it("the skip link is the first Tab stop, shows itself, and moves focus into <main>", async () => {
    const b = await browser({ viewport: DESKTOP });
    await visit(b.page, "/queues");
    await b.page.keyboard.press("Tab");
    const skip = b.page.getByRole("link", { name: "Skip to content" });
    expect(await skip.evaluate((e) => e === document.activeElement)).toBe(true);
    const box = (await skip.boundingBox())!;
    expect(box.width).toBeGreaterThan(40); // sr-only until focused, then drawn
    await b.page.keyboard.press("Enter");
    await b.page.waitForFunction(() => document.activeElement?.id === "main");
    await b.page.keyboard.press("Tab");
    expect(await b.page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);
  });

  it("at 390 px the sections fold behind Menu; it opens, follows a link and closes; the account menu has the e-mail and Sign out", async () => {
    const b = await browser({ viewport: PHONE });
    const { page } = b;
    await visit(page, "/");
    const main = page.getByRole("navigation", { name: "Main" });
    const menu = main.getByRole("button", { name: "Menu" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await main.getByRole("link", { name: "Queues" }).isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    for (const name of ["Overview", "Failed", "Products", "Exports"]) {
      const box = (await main.getByRole("link", { name, exact: true }).boundingBox())!;
      expect(box.x + box.width, `${name} inside the viewport`).toBeLessThanOrEqual(PHONE.width);
    }
    await b.screenshot("layout-menu-390-en-US-light");
    await main.getByRole("link", { name: "Queues", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/queues");
    await page.getByRole("heading", { level: 1, name: "Queues" }).waitFor();
    await main.getByRole("link", { name: "Workers" }).waitFor({ state: "hidden" });
    // Escape closes it too, and gives focus back to the button.
    await menu.click();
    await main.getByRole("link", { name: "Workers" }).waitFor();
    await page.keyboard.press("Escape");
    await main.getByRole("link", { name: "Workers" }).waitFor({ state: "hidden" });
    expect(await menu.evaluate((e) => e === document.activeElement)).toBe(true);

    // The bell's panel stays on the screen too (it hung off the left edge at 390 px).
    await page.getByRole("button", { name: /notifications/i }).click();
    const bell = (await page.getByRole("dialog", { name: "Notifications" }).boundingBox())!;
    expect(bell.x).toBeGreaterThanOrEqual(0);
    expect(bell.x + bell.width).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole("button", { name: /notifications/i }).click();

    const account = page.getByRole("button", { name: "Account: admin@e2e.test" });
    await account.click();
    const email = page.locator("[data-account-email]");
    await email.waitFor();
    expect(await email.textContent()).toBe("admin@e2e.test");
    const signOut = page.getByRole("button", { name: "Sign out" });
    const box = (await signOut.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    const accountNav = page.getByRole("navigation", { name: "Account: admin@e2e.test" });
    for (const name of ["Notifications", "Outbox", "Audit log", "Accounts"])
      await accountNav.getByRole("link", { name }).waitFor();
    await b.screenshot("layout-account-390-en-US-light");
    await accountNav.getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    await email.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  for (const locale of LOCALES) {
    it(`at 1280 px the header is one row with every section in sight (${locale})`, async () => {
      const b = await browser({ locale, viewport: DESKTOP });
      await visit(b.page, "/failed");
      const rows = await b.page.evaluate(() => {
        const header = document.querySelector("header")!;
        const visible = [...header.querySelectorAll("a, button")].filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        });
        const mids = visible.map((e) => {
          const r = e.getBoundingClientRect();
          return Math.round((r.top + r.bottom) / 2);
        });
        return {
          spread: Math.max(...mids) - Math.min(...mids),
          right: Math.max(...visible.map((e) => e.getBoundingClientRect().right)),
          links: visible.filter((e) => e.closest("nav")).map((e) => e.textContent),
          wide: header.scrollWidth > header.clientWidth,
        };
      });
      expect(rows.spread, "every visible header control on one row").toBeLessThanOrEqual(6);
      expect(rows.right).toBeLessThanOrEqual(DESKTOP.width);
      expect(rows.wide).toBe(false);
      expect(rows.links.length, rows.links.join(", ")).toBeGreaterThanOrEqual(11);
      await b.screenshot(`layout-header-1280-${locale}-light`);
    });
  }

  it("an unknown queue answers 404 with links to the queues that exist; no 404 says a page is not built", async () => {
    for (const locale of LOCALES) {
      const b = await browser({ locale, viewport: PHONE });
      const res = await visit(b.page, "/queues/no_such_queue");
      expect(res?.status()).toBe(404);
      const body = await b.page.locator("main").innerText();
      expect(body).not.toMatch(/built|做好/i);
      const link = b.page.locator("main").getByRole("link", { name: "reports_nightly_rollup", exact: true });
      await b.screenshot(`layout-unknown-queue-390-${locale}-light`);
      await link.click();
      await b.page.waitForURL((u) => u.pathname === "/queues/reports_nightly_rollup");
      const other = await visit(b.page, "/no/such/page");
      expect(other?.status()).toBe(404);
      expect(await b.page.locator("main").innerText()).not.toMatch(/built|做好/i);
      expect(await b.page.title()).toBe(
        locale === "zh-CN" ? "页面不存在 · Resque 管理" : "Page not found · Resque Admin",
      );
    }
  });

  // One test per browser: 5 pages each, within a test's time on a loaded machine (40 in one did not).
  for (const locale of LOCALES)
    for (const colorScheme of ["light", "dark"] as const)
      for (const viewport of [PHONE, DESKTOP])
        it(`screenshots of the key pages at ${viewport.width} px (${locale}, ${colorScheme})`, async () => {
          const b = await browser({ locale, colorScheme, viewport });
          for (const [name, path] of Object.entries(KEY_PAGES)) {
            await visit(b.page, path);
            expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
              viewport.width,
            );
            await b.screenshot(`layout-${name}-${viewport.width}-${locale}-${colorScheme}`);
          }
          await b.close();
        });
});
