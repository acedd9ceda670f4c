/**
 * The Audit log page against the production build: changes made by clicking on the Queues pages
 * appear newest first with who, what, target and result; a viewer's and an anonymous browser's
 * replayed actions appear as `denied`; filters and the pager live in the URL; long item lists
 * and hostile details open in place as text.
 */
import type { Page } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection, JobRegistry } from "@/lib/resque";
import { addAdmin } from "@/lib/auth";
import { openDb, recordAudit, type Db } from "@/lib/db";
import { replayAction, serverAction } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { signIn, signInWithForm, startWeb, type Account, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";

/** who, action, target, result of each row on the page, top to bottom. */
async function auditRows(page: Page): Promise<string[][]> {
  const rows = await page.locator("main tbody tr").all();
  return Promise.all(
    rows.map(async (r) => {
      const cells = (await r.locator("td").allInnerTexts()).map((t) => t.trim());
      return [cells[1]!, cells[2]!, cells[3]!, cells[5]!];
    }),
  );
}

describe("audit log page", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-audit");
  let redis: Redis;
  let web: WebServer;
  let db: Db;
  let admin: OpenedBrowser;
  const viewer: Account = { email: "viewer@e2e.test", password: "viewer-password-1", role: "viewer" };

  beforeAll(async () => {
    redis = testRedis();
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") admin = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    db = openDb(web.databasePath);
    await addAdmin(db, viewer);
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    for (let i = 1; i <= 3; i++) await client.enqueue("mail", "SendReceipt", { n: i });
    for (let i = 1; i <= 2; i++) await client.enqueue("trash", "Noise", { n: i });
    // Through the form: the sign-in's own audit row (signInAction writes it) is checked below.
    await signInWithForm(admin.page, web);
  });

  afterAll(async () => {
    await admin?.close();
    await db?.destroy();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("shows what was done on the queues pages, newest first, with who, what, target and result", async () => {
    const { page } = admin;
    admin.clearErrors();
    await page.goto(`${web.url}/queues`);
    await page.locator('tr[data-queue="mail"]').getByRole("button", { name: "Pause" }).click();
    const pauseKey = new Connection({ redis, namespace }).keys.pauseQueue("mail");
    await waitFor("mail paused", async () => (await redis.exists(pauseKey)) === 1);
    await page.goto(`${web.url}/queues/trash`);
    await page.getByRole("button", { name: "Clear queue" }).click();
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.getByText("Cleared 2 jobs from trash.").waitFor();

    const res = await page.goto(`${web.url}/audit`);
    expect(res?.status()).toBe(200);
    const rows = await auditRows(page);
    // Actions in words; the stored name is the link's title.
    expect(rows.slice(0, 2)).toEqual([
      ["admin@e2e.test", "Clear queue", "trash", "ok"],
      ["admin@e2e.test", "Pause queue", "mail", "ok"],
    ]);
    const first = page.locator("main tbody tr").first();
    expect(await first.locator("[data-action]").getAttribute("title")).toBe("queue.clear");
    // The connection's own address, on actions and on the sign-in alike (next start runs with
    // scripts/peer-address.mjs preloaded, as npm start does).
    expect(await first.locator("td").nth(7).innerText()).toBe("127.0.0.1");
    const signInRow = page.locator("main tbody tr", { has: page.locator('[data-action="auth.sign-in"]') }).first();
    expect(await signInRow.locator("td").nth(2).innerText()).toBe("Sign in");
    expect(await signInRow.locator("td").nth(7).innerText()).toBe("127.0.0.1");
    expect(await first.locator("td").nth(6).innerText()).toBe("Cleared 2 jobs from trash.");
    expect(await first.locator("td").nth(0).innerText()).toMatch(
      /(ago|just now)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    expect(admin.errors()).toEqual([]);
  });

  it("shows a viewer's and an anonymous browser's replayed actions as denied, and viewers may read it", async () => {
    const clear = serverAction("app/(dashboard)/queues/actions.ts", "clearQueueAction");
    const v = await openBrowser({ colorScheme: "light" });
    const anon = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(v.page, web, viewer);
      const refused = await replayAction(v.page, web.url, clear, ["mail"]);
      expect(refused.text).toContain("Refused: your account is read-only.");
      await anon.page.goto(`${web.url}/sign-in`);
      expect((await replayAction(anon.page, web.url, clear, ["mail"])).text).toContain(
        "Refused: your account is read-only.",
      );
      expect(await redis.llen(`${namespace}:queue:mail`)).toBe(3);

      await v.page.goto(`${web.url}/audit`);
      const rows = await auditRows(v.page);
      expect(rows.slice(0, 2)).toEqual([
        ["not signed in", "Clear queue", "mail", "denied"],
        ["viewer@e2e.test", "Clear queue", "mail", "denied"],
      ]);
      expect(await v.page.locator("main tbody tr").nth(1).locator("td").nth(6).innerText()).toBe("role viewer");
      await v.screenshot("audit-viewer-light");
      expect(v.errors()).toEqual([]);
    } finally {
      await Promise.all([v.close(), anon.close()]);
    }
  });

  it("filters by action and by actor, both kept in the URL", async () => {
    const { page } = admin;
    await page.goto(`${web.url}/audit`);
    // The filter offers the actions in words, and filters by the stored name.
    await page.locator('select[name="action"]').selectOption({ label: "Clear queue" });
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("action") === "queue.clear");
    expect((await auditRows(page)).map((r) => r[1])).toEqual(["Clear queue", "Clear queue", "Clear queue"]);

    await page.locator('input[name="actor"]').fill("VIEWER@e2e.test");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.waitForURL(
      (u) => u.searchParams.get("actor") === "VIEWER@e2e.test" && u.searchParams.get("action") === "queue.clear",
    );
    await waitFor("only the viewer's row", async () => (await auditRows(page)).length === 1);
    expect(await auditRows(page)).toEqual([["viewer@e2e.test", "Clear queue", "mail", "denied"]]);

    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.waitForURL((u) => !u.searchParams.has("action"));
    await page.locator("main tbody tr").nth(4).waitFor();

    await page.goto(`${web.url}/audit?actor=${encodeURIComponent("nobody@e2e.test")}`);
    await page.getByText("No entries match these filters.").waitFor();
  });

  it("pages newest first with 20/50/100 in the URL; long item lists and details open in place as text", async () => {
    for (let i = 1; i <= 45; i++) {
      await recordAudit(db, {
        actor: { id: null, email: "bulk@e2e.test" },
        action: "failed.retry",
        target: "mail",
        items: i === 45 ? Array.from({ length: 12 }, (_, k) => (k === 1 ? SCRIPT : `job-${k}`)) : [`job-${i}`],
        result: i % 2 ? "ok" : "partial",
        detail: i === 45 ? `${SCRIPT} ${"long detail ".repeat(20)}` : `retried ${i}`,
        ip: "203.0.113.7",
      });
    }
    const { page } = admin;
    await page.goto(`${web.url}/audit?actor=bulk%40e2e.test`);
    expect(await page.getByText("Showing 1–20 of 45").count()).toBe(2);
    const newest = page.locator("main tbody tr").first();
    const items = newest.locator("td").nth(4);
    expect(await items.locator("summary").innerText()).toBe(`job-0, ${SCRIPT}, job-2 +9 more`);
    await items.locator("summary").click();
    expect((await items.locator("pre").innerText()).split("\n")).toHaveLength(12);
    await newest.locator("td").nth(6).locator("summary").click();
    expect(await newest.locator("td").nth(6).locator("pre").innerText()).toContain(`${SCRIPT} long detail`);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await newest.locator("td").nth(7).innerText()).toBe("203.0.113.7");
    await admin.screenshot("audit-light");

    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2" && u.searchParams.get("actor") === "bulk@e2e.test");
    await page.getByText("Showing 21–40 of 45").first().waitFor();
    expect(await page.locator("main tbody tr").first().locator("td").nth(6).innerText()).toBe("retried 25");
    await page.getByRole("link", { name: "50", exact: true }).first().click();
    await page.waitForURL((u) => u.searchParams.get("per") === "50" && u.searchParams.get("page") === "1");
    await page.getByText("Showing 1–45 of 45").first().waitFor();
    expect(await page.locator("main tbody tr").count()).toBe(45);
  });

  it("renders in a zh-CN browser in dark mode", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/audit?action=queue.clear`);
      await dark.page.getByText("已拒绝").first().waitFor();
      await dark.page.getByText("未登录").first().waitFor();
      expect(await dark.page.locator('[data-action="queue.clear"]').first().innerText()).toBe("清空队列");
      expect(await dark.page.locator('select[name="action"] option:checked').innerText()).toBe("清空队列");
      await dark.screenshot("audit-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
