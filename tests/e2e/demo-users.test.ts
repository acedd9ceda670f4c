/**
 * The demo's Users page against the production build: search and pages in the URL; "Send
 * notification" to the selected users enqueues one SendNotificationJob each, a real worker
 * process (the CLI, on the web server's SQLite file) runs them and the notifications appear on
 * each user's page; an empty selection answers 请选择要发送的用户 and enqueues nothing; unknown,
 * malformed and too many ids are refused by the server action itself, naming them. Disabled users
 * are skipped and counted (the seed's users 5 and 38 are disabled), the answer names what was
 * queued, a sent batch clears the selection, and "select all N matching" sends to a whole search.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listNotifications } from "@/lib/db";
import { actionAnswer, replayAction, serverAction } from "../helpers/actions";
import { openBrowser } from "../helpers/browser";
import { useDemoStack } from "../helpers/demo-stack";
import { waitFor } from "../helpers/ns";
import { signIn } from "../helpers/web";

const ACTIONS = "app/(dashboard)/users/actions.ts";

describe("demo users page", () => {
  const demo = useDemoStack({
    label: "e2e-demo-users",
    seed: { products: 0, users: 45 },
    env: (dir) => ({ OUTBOX_DIR: path.join(dir, "outbox"), SMTP_URL: undefined }),
  });
  const outbox = () => path.join(demo.dir, "outbox");
  const queueLen = () => demo.redis.llen(`${demo.namespace}:queue:notification`);

  it("searches and pages with both in the URL", async () => {
    const { page } = demo.browser;
    await page.goto(`${demo.web.url}/users`);
    await page.getByText("Showing 1–20 of 45").first().waitFor();
    expect(await page.locator("main tbody tr").count()).toBe(20);
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–40 of 45").first().waitFor();
    await page.getByRole("searchbox").fill("7");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "7");
    const ids = await page
      .locator("main tbody tr")
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-user"))));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toContain(7);
  });

  it("refuses an empty selection with the original's message and enqueues nothing", async () => {
    const { page } = demo.browser;
    await page.goto(`${demo.web.url}/users`);
    await page.getByText("0 selected").waitFor();
    await page.getByRole("button", { name: "Send notification (0)" }).click();
    await page.getByRole("status").filter({ hasText: "Select the users to send to." }).waitFor();
    expect(await queueLen()).toBe(0);
    expect(await demo.redis.exists(`${demo.namespace}:queue:notification`)).toBe(0);
  });

  it("refuses unknown, malformed and too many ids by name, enqueueing nothing", async () => {
    const { page } = demo.browser;
    await page.goto(`${demo.web.url}/users`);
    const notify = serverAction(ACTIONS, "sendNotificationAction");
    const send = async (...args: unknown[]) =>
      actionAnswer((await replayAction(page, demo.web.url, notify, args)).text);
    expect(await send([1, 2, 9001, 9002], "hi")).toEqual({
      ok: false,
      code: "invalid",
      message: "There are no users with these ids: 9001, 9002.",
    });
    expect(await send(["3", "x1", "-4"], "hi")).toEqual({
      ok: false,
      code: "invalid",
      message: 'These are not valid ids: "x1", "-4".',
    });
    expect(
      await send(
        Array.from({ length: 10_001 }, (_, i) => i + 1),
        "hi",
      ),
    ).toEqual({ ok: false, code: "invalid", message: "At most 10000 rows at once; 10001 were selected." });
    expect(await send([1], "   ")).toEqual({ ok: false, code: "invalid", message: "Enter a message." });
    expect(await send([1], "x".repeat(2001))).toEqual({
      ok: false,
      code: "invalid",
      message: "The message is longer than 2000 characters.",
    });
    expect(await send({ ids: [1] }, 5)).toEqual({
      ok: false,
      code: "invalid",
      message: 'These are not valid ids: {"ids":[1]}.',
    });
    expect(await send([], "hi")).toEqual({ ok: false, code: "invalid", message: "Select the users to send to." });
    expect(await queueLen()).toBe(0);
  });

  it("sends to the selected users; a worker runs the jobs and each user's page lists the notification", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/users`);
    await page.getByLabel("Select every user on this page").check();
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.locator('tr[data-user="21"] input[type=checkbox]').check();
    await page.getByText("21 selected").waitFor();
    await page.getByRole("textbox", { name: "Message" }).fill("Order <b>shipped</b> 已发货");
    await demo.browser.screenshot("demo-users-light");
    await page.getByRole("button", { name: "Send notification (21)" }).click();
    // User 5 is disabled: skipped and said, not notified silently.
    await page.getByRole("status").filter({ hasText: "20 notifications queued. Skipped 1 disabled user." }).waitFor();
    await page.getByText("0 selected").waitFor();
    expect(await page.getByRole("button", { name: "Send notification (0)" }).count()).toBe(1);
    expect(await queueLen()).toBe(20);
    const payload = JSON.parse((await demo.redis.lindex(`${demo.namespace}:queue:notification`, 0))!) as {
      class: string;
      args: [{ user_id: number; message: string }];
    };
    expect(payload.class).toBe("Common\\Job\\SendNotificationJob");
    expect(payload.args[0].message).toBe("Order <b>shipped</b> 已发货");
    await demo.browser.screenshot("demo-users-sent-light");

    demo.work({ QUEUE: "notification,default", OUTBOX_DIR: outbox(), SMTP_URL: "" });
    await waitFor(
      "the jobs run",
      async () => Number(await demo.redis.get(`${demo.namespace}:stat:processed`)) === 20,
      60_000,
    );
    expect(Number(await demo.redis.get(`${demo.namespace}:stat:failed`))).toBe(0);
    for (const id of [1, 20, 21]) expect((await listNotifications(demo.db, { type: "user", id })).total).toBe(1);
    expect((await listNotifications(demo.db, { type: "user", id: 22 })).total).toBe(0);
    expect((await listNotifications(demo.db, { type: "user", id: 5 })).total).toBe(0);

    await page.goto(`${demo.web.url}/users/21`);
    const item = page.locator("[data-notification]");
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.innerText()).toContain("Order <b>shipped</b> 已发货");
    expect(await page.locator("main b").count()).toBe(0);
    await demo.browser.screenshot("demo-user-light");
    expect(demo.browser.errors()).toEqual([]);
    const nf = await page.goto(`${demo.web.url}/users/99999`);
    expect(nf?.status()).toBe(404);
  });

  it("sends e-mail to the selected users; without SMTP_URL the Outbox lists them and shows each as text", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/users`);
    await page.locator('tr[data-user="3"] input[type=checkbox]').check();
    await page.locator('tr[data-user="4"] input[type=checkbox]').check();
    await page.getByRole("textbox", { name: "Message" }).fill("您的订单 <script>x</script> 已发货");
    await page.getByRole("textbox", { name: "E-mail subject" }).fill("订单通知 Order");
    await page.getByRole("button", { name: "Send e-mail (2)" }).click();
    await page.getByRole("status").filter({ hasText: "2 e-mails queued." }).waitFor();
    await page.getByText("0 selected").waitFor();
    await waitFor(
      "two e-mails saved",
      () => readdirSync(outbox()).filter((f) => f.endsWith(".eml")).length === 2,
      60_000,
    );

    await page.getByRole("link", { name: "Saved e-mails (outbox) →" }).click();
    await page.waitForURL((u) => u.pathname === "/outbox");
    const rows = page.locator("main tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const to = (await page.locator("main tbody tr td:nth-child(2)").allInnerTexts()).sort();
    expect(to).toEqual(["qiang.wang4@example.cn", "xinyi.chen3@example.cn"]);
    expect(await page.locator("main tbody tr td:first-child").allInnerTexts()).toEqual([
      "订单通知 Order",
      "订单通知 Order",
    ]);
    // Dates as on every other page: how long ago, then the time with its zone.
    for (const date of await page.locator("main tbody tr td:nth-child(3)").allInnerTexts())
      expect(date).toMatch(/^(\d+ seconds? ago|just now)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await demo.browser.screenshot("demo-outbox-light");
    await page.getByRole("link", { name: "订单通知 Order" }).first().click();
    await page.waitForURL((u) => u.searchParams.has("file"));
    expect(await page.locator("pre[data-body]").innerText()).toContain("您的订单 <script>x</script> 已发货");
    expect(await page.locator("main script").count()).toBe(0);
    await demo.browser.screenshot("demo-outbox-message-light");
    await page.goto(`${demo.web.url}/outbox?file=${encodeURIComponent("../app.db")}`);
    await page.getByText("This e-mail is not in the outbox.").waitFor();
    expect(demo.browser.errors()).toEqual([]);
  });

  it("selects all N users a search matches, and sends to every active one", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/users?q=example.c`);
    await page.getByText("Showing 1–20 of 45").first().waitFor();
    expect(await page.locator("[data-select-matching]").count()).toBe(0);
    await page.getByLabel("Select every user on this page").check();
    await page.getByRole("button", { name: "Select all 45 matching users" }).click();
    await page.getByText("All 45 matching users are selected.").waitFor();
    await demo.browser.screenshot("demo-users-all-matching-light");
    // Unticking one row goes back to the picked rows.
    await page.locator('tr[data-user="1"] input[type=checkbox]').uncheck();
    await page.getByText("19 selected").waitFor();
    await page.getByLabel("Select every user on this page").check();
    await page.getByRole("button", { name: "Select all 45 matching users" }).click();
    await page.getByRole("textbox", { name: "Message" }).fill("To everyone");
    await page.getByRole("button", { name: "Send notification (45)" }).click();
    await page.getByRole("status").filter({ hasText: "43 notifications queued. Skipped 2 disabled users." }).waitFor();
    await page.getByText("0 selected").waitFor();
    await waitFor(
      "43 notifications",
      async () => {
        const all = await Promise.all(
          Array.from({ length: 45 }, (_, i) => listNotifications(demo.db, { type: "user", id: i + 1 })),
        );
        return all.filter((n) => n.items.some((x) => x.message === "To everyone")).length === 43;
      },
      60_000,
    );
    expect(demo.browser.errors()).toEqual([]);
  });

  it("renders in zh-CN dark with the original's messages", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    try {
      await signIn(dark.page, demo.web);
      await dark.page.goto(`${demo.web.url}/users`);
      await dark.page.getByText("已选择 0 个").waitFor();
      await dark.page.getByRole("button", { name: "发送通知（0）" }).click();
      await dark.page.getByRole("status").filter({ hasText: "请选择要发送的用户" }).waitFor();
      await dark.page.locator('tr[data-user="2"] input[type=checkbox]').check();
      await dark.page.getByRole("button", { name: "发送通知（1）" }).click();
      await dark.page.getByRole("status").filter({ hasText: "已将 1 条通知加入队列。" }).waitFor();
      await dark.page.getByText("已选择 0 个").waitFor();
      await dark.page.locator('tr[data-user="5"] input[type=checkbox]').check();
      await dark.page.getByRole("button", { name: "发送通知（1）" }).click();
      await dark.page.getByRole("status").filter({ hasText: "未发送：所选的 1 个用户均已停用。" }).waitFor();
      await dark.screenshot("demo-users-dark-zh-CN");
      await dark.page.goto(`${demo.web.url}/users/21`);
      await dark.page.locator("[data-notification]").first().waitFor();
      await dark.screenshot("demo-user-dark-zh-CN");
      await dark.page.goto(`${demo.web.url}/outbox`);
      await dark.page.getByText("订单通知 Order").first().waitFor();
      // In the browser's zone once hydrated.
      await dark.page
        .locator("main tbody tr td:nth-child(3)")
        .getByText(/GMT\+8$/)
        .first()
        .waitFor();
      await dark.screenshot("demo-outbox-dark-zh-CN");
    } finally {
      await dark.close();
    }
  });
});
