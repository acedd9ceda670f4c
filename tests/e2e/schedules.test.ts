/**
 * The Schedules pages (/schedules, /schedules/new, /schedules/[name]/edit) and GET /api/schedules
 * against the production build: entries written by the engine and a legacy (RS ≤ 4.1) entry
 * written raw, cron in words with the zone and the next/last run, create with field errors first,
 * edit, disable/enable, run now (a job lands in the queue) and delete — each checked in Redis.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Connection, saveSchedule } from "@/lib/resque";
import { formatRubyTime } from "@/lib/resque/schedules-parse";
import { formatRelative } from "@/lib/format";
import { translator } from "@/lib/i18n";
import { replayAction, serverAction } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";
const ACTIONS = "app/(dashboard)/schedules/actions.ts";
/** 3 h 10 min: rounds to "3 hours ago" for as long as the test may take. */
const LAST_RUN_AGO_MS = (3 * 60 + 10) * 60_000;
const HOUR_MS = 3_600_000;

/** The next 03:00 in Shanghai (19:00 UTC, no daylight saving there) after `ms`, worked out without the engine. */
function nextShanghaiThreeAm(ms: number): number {
  const d = new Date(ms);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 19);
  return today > ms ? today : today + 24 * HOUR_MS;
}

describe("schedules pages", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-schedules");
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let browser: OpenedBrowser;
  const stored = (name: string) => redis.hget(conn.keys.persistentSchedules, name);

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;

    await saveSchedule(conn, {
      name: "nightly-report",
      className: "BuildReport",
      cron: "0 3 * * *",
      timezone: "Asia/Shanghai",
      queue: "reports",
      args: { kind: "daily" },
      description: "The daily numbers",
    });
    await saveSchedule(conn, { name: "every-5", className: "Ping", every: "5m" });
    await saveSchedule(conn, {
      name: "hostile",
      className: "Noise",
      cron: "0 12 * * 1",
      queue: "low",
      args: { note: SCRIPT },
    });
    for (let i = 1; i <= 18; i++)
      await saveSchedule(conn, { name: `zz-bulk-${String(i).padStart(2, "0")}`, className: "Bulk", every: `${i}h` });
    // resque-scheduler ≤ 4.1 kept its schedule in `schedules`: shown, runnable, never written.
    await redis.hset(
      conn.keys.legacySchedules,
      "legacy_cleanup",
      '{"class":"CleanupJob","cron":"*/15 * * * *","queue":"low","args":["a",1]}',
    );
    // Seeded from the clock the test runs under: "3 hours ago" whatever the date (a fixed date went stale).
    await redis.hset(conn.keys.lastEnqueuedAt, "nightly-report", formatRubyTime(Date.now() - LAST_RUN_AGO_MS));
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("lists schedules with the cron in words, zone, next and last run, state and source, and the same at /api/schedules", async () => {
    const { page } = browser;
    browser.clearErrors();
    const before = Date.now();
    const res = await page.goto(`${web.url}/schedules`);
    expect(res?.status()).toBe(200);
    expect(await page.getByText("Showing 1–20 of 22").count()).toBe(2);
    const nightly = page.locator('tr[data-schedule="nightly-report"]');
    const text = await nightly.innerText();
    const nextText = await nightly.locator("[data-next]").innerText();
    const after = Date.now();
    for (const part of [
      "enabled",
      "The daily numbers",
      "BuildReport",
      "→ reports",
      "0 3 * * *",
      "every night at 03:00",
      "Asia/Shanghai",
      '[{"kind":"daily"}]',
      "03:00 Asia/Shanghai",
    ])
      expect(text).toContain(part);
    // The page measured "in …" from its own clock, at some moment between `before` and `after`:
    // any wording of that span is right ("in 40 min" near the run, "in 23 h" just after it).
    const t = translator("en");
    const wordings = new Set<string>();
    for (let ms = before; ms <= after + 1000; ms += 500) wordings.add(formatRelative(t, nextShanghaiThreeAm(ms) - ms));
    expect([...wordings]).toContain(nextText);
    expect(text).toContain("Last run: 3 hours ago");
    const every = await page.locator('tr[data-schedule="every-5"]').innerText();
    expect(every).toContain("every 5m");
    expect(every).toContain("every 5 minutes");
    expect(every).toContain("→ default");
    expect(every).toContain("Last run: never");

    const legacy = page.locator('tr[data-schedule="legacy_cleanup"]');
    expect(await legacy.innerText()).toContain("legacy, read-only");
    expect(await legacy.innerText()).toContain("every 15 minutes");
    expect(await legacy.getByRole("button", { name: "Run now" }).count()).toBe(1);
    expect(await legacy.getByRole("button", { name: "Delete" }).count()).toBe(0);
    expect(await legacy.getByRole("link", { name: "Edit" }).count()).toBe(0);

    expect(await page.locator('tr[data-schedule="hostile"]').innerText()).toContain(`[{"note":"${SCRIPT}"}]`);
    expect(await page.locator("main script").count()).toBe(0);
    await browser.screenshot("schedules-list-light");
    expect(browser.errors()).toEqual([]);

    const api = await getJson<{
      schedules: { total: number; items: { name: string; source: string; nextRunMs: number | null }[] };
    }>(web, "/api/schedules?page=2&per=20");
    expect(api.status).toBe(200);
    expect(api.body.schedules.total).toBe(22);
    expect(api.body.schedules.items.map((s) => s.name)).toEqual(["zz-bulk-17", "zz-bulk-18"]);
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–22 of 22").first().waitFor();
  });

  it("creates a schedule: every bad field is marked beside it at once and nothing is stored, then the fixed form saves", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/schedules`);
    await page.getByRole("link", { name: "+ New schedule" }).click();
    await page.waitForURL((u) => u.pathname === "/schedules/new");
    await page.getByLabel("Name").fill("every-5");
    await page.getByLabel("Job class").fill("SendDigest");
    // A class this app does not run is warned about as it is typed (saving it is allowed).
    await page
      .getByText("This app has no job class named “SendDigest”: it can be saved, but only a php-resque")
      .waitFor();
    await page.getByLabel("Cron expression").fill("0 25 * * *");
    await page.getByLabel("Queue").fill("no spaces");
    await page.getByLabel("Arguments (JSON)").fill('{"to": ');
    const create = page.getByRole("button", { name: "Create schedule" });

    // Three mistakes, three messages, in one answer.
    await create.click();
    await page
      .locator('[data-field-error="schedule-cron"]')
      .getByText(/^“0 25 \* \* \*” is not a valid cron expression \(.+\)\.$/)
      .waitFor();
    await page.locator('[data-field-error="schedule-args"]').getByText("Not valid JSON").waitFor();
    await page
      .locator('[data-field-error="schedule-queue"]')
      .getByText("“no spaces” is not a valid queue name.")
      .waitFor();
    await page.getByText("Nothing was saved: check the 3 fields marked below.").waitFor();
    expect(await page.getByLabel("Cron expression").getAttribute("aria-invalid")).toBe("true");
    await browser.screenshot("schedules-new-error-light");

    // A registered class's args are checked against its schema, as the CLI does.
    await page.getByLabel("Job class").fill("SendEmailJob");
    await page.getByLabel("Cron expression").fill("30 8 * * 1-5");
    await page.getByText("Reads as: every weekday at 08:30").waitFor();
    await page.getByLabel("Queue").fill("");
    await page.getByLabel("Arguments (JSON)").fill('{"to": "not-an-address"}');
    expect(await page.locator("[data-class-warning]").count()).toBe(0);
    await create.click();
    await page
      .locator('[data-field-error="schedule-args"]')
      .getByText(/^The arguments are not accepted: .*to/)
      .waitFor();
    await page.getByText("Nothing was saved: check the field marked below.").waitFor();
    expect(await page.locator('[data-field-error="schedule-cron"]').count()).toBe(0);
    expect(await stored("every-5")).not.toBe(null);
    await page.getByLabel("Job class").fill("SendDigest");

    await page.getByLabel("Arguments (JSON)").fill('{"to": "ops@example.com"}');
    await page.getByLabel("Time zone").fill("Asia/Shanghai");
    await page.getByLabel("Queue").fill("mail");
    await create.click();
    await page
      .locator('[data-field-error="schedule-name"]')
      .getByText("A schedule named “every-5” already exists.")
      .waitFor();
    expect(JSON.parse((await stored("every-5"))!)).toEqual({ class: "Ping", every: "5m", queue: "default", args: {} });
    expect(await stored("digest")).toBe(null);

    await page.getByLabel("Name").fill("digest");
    await create.click();
    await page.waitForURL((u) => u.pathname === "/schedules" && u.searchParams.get("saved") === "digest");
    await page.getByText("Schedule digest saved.").waitFor();
    expect(await stored("digest")).toBe(
      '{"class":"SendDigest","cron":"30 8 * * 1-5 Asia/Shanghai","queue":"mail","args":{"to":"ops@example.com"}}',
    );
    expect(await redis.sismember(conn.keys.schedulesChanged, "digest")).toBe(1);
    expect(await page.locator('tr[data-schedule="digest"]').innerText()).toContain("every weekday at 08:30");
    expect(browser.errors()).toEqual([]);
  });

  it("edits a schedule from cron to an interval, keeping its name and args", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/schedules`);
    await page.locator('tr[data-schedule="digest"]').getByRole("link", { name: "Edit" }).click();
    await page.waitForURL((u) => u.pathname === "/schedules/digest/edit");
    await page.getByRole("heading", { name: "Edit schedule digest" }).waitFor();
    expect(await page.getByLabel("Name").getAttribute("readonly")).not.toBe(null);
    expect(await page.getByLabel("Cron expression").inputValue()).toBe("30 8 * * 1-5");
    expect(await page.getByLabel("Time zone").inputValue()).toBe("Asia/Shanghai");
    expect(JSON.parse(await page.getByLabel("Arguments (JSON)").inputValue())).toEqual({ to: "ops@example.com" });
    await page.getByLabel("At a fixed interval").check();
    await page.getByLabel("Interval", { exact: true }).fill("2 hours");
    await page.getByLabel("Description").fill("Twice as often");
    await browser.screenshot("schedules-edit-light");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL((u) => u.pathname === "/schedules");
    await page.getByText("Schedule digest saved.").waitFor();
    // Long forms are stored the way Ruby's rufus-scheduler reads them.
    expect(await stored("digest")).toBe(
      '{"class":"SendDigest","every":"2h","queue":"mail","args":{"to":"ops@example.com"},"description":"Twice as often"}',
    );
    const row = await page.locator('tr[data-schedule="digest"]').innerText();
    expect(row).toContain("every 2h");
    expect(row).toContain("every 2 hours");

    expect((await page.goto(`${web.url}/schedules/nope/edit`))?.status()).toBe(404);
    await page.goto(`${web.url}/schedules/legacy_cleanup/edit`);
    await page.getByText("This is a legacy (resque-scheduler ≤ 4.1) entry and is read-only here").waitFor();
    expect(await page.locator("main form input").count()).toBe(0);
  });

  it("disables and enables a schedule in place", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/schedules`);
    const row = page.locator('tr[data-schedule="digest"]');
    await row.getByRole("button", { name: "Disable" }).click();
    await page
      .locator("[data-flash]")
      .getByText("Schedule digest disabled: it will not run until it is enabled.")
      .waitFor();
    expect(await stored("digest")).toMatch(/,"enabled":false\}$/);
    await row.locator("[data-state]").getByText("disabled").waitFor();
    expect(await row.locator("[data-next]").count()).toBe(0); // no next run while disabled
    await row.getByRole("button", { name: "Enable" }).click();
    await page.locator("[data-flash]").getByText("Schedule digest enabled").waitFor();
    expect(await stored("digest")).toBe(
      '{"class":"SendDigest","every":"2h","queue":"mail","args":{"to":"ops@example.com"},"description":"Twice as often"}',
    );
    await row.locator("[data-state]").getByText("enabled").waitFor();
  });

  it("runs a schedule now: one job lands in its queue, for a persistent and a legacy entry", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/schedules`);
    await page.locator('tr[data-schedule="nightly-report"]').getByRole("button", { name: "Run now" }).click();
    await page
      .locator("[data-flash]")
      .getByText("Enqueued BuildReport on reports from schedule nightly-report.")
      .waitFor();
    const jobs = await redis.lrange(`${namespace}:queue:reports`, 0, -1);
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(jobs[0]!)).toMatchObject({ class: "BuildReport", args: [{ kind: "daily" }] });
    expect(await redis.sismember(conn.keys.queues, "reports")).toBe(1);
    // A run now is a run: the row's "Last run" says so.
    await waitFor("last run updated", async () =>
      /Last run: (just now|\d+ s ago)/.test(await page.locator('tr[data-schedule="nightly-report"]').innerText()),
    );

    await page.locator('tr[data-schedule="legacy_cleanup"]').getByRole("button", { name: "Run now" }).click();
    await page.locator("[data-flash]").getByText("Enqueued CleanupJob on low from schedule legacy_cleanup.").waitFor();
    const low = await redis.lrange(`${namespace}:queue:low`, 0, -1);
    expect(low.map((j) => JSON.parse(j) as { class: string; args: unknown[] }).map((j) => [j.class, j.args])).toEqual([
      ["CleanupJob", ["a", 1]],
    ]);
  });

  it("renders the list and the form in dark mode in a zh-CN browser; anonymous replays are refused", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      // Not signed in yet: a forged POST of each write action changes nothing.
      await dark.page.goto(`${web.url}/sign-in`);
      const before = await redis.hgetall(conn.keys.persistentSchedules);
      for (const [name, args] of [
        ["deleteScheduleAction", ["digest"]],
        ["setScheduleEnabledAction", ["digest", false]],
        [
          "saveScheduleAction",
          [
            "create",
            {
              name: "evil",
              className: "X",
              kind: "every",
              every: "1s",
              cron: "",
              timezone: "",
              queue: "",
              args: "",
              description: "",
              enabled: true,
            },
          ],
        ],
      ] as const) {
        const replay = await replayAction(dark.page, web.url, serverAction(ACTIONS, name), [...args]);
        expect(replay.text, name).toContain("已拒绝");
      }
      expect(await redis.hgetall(conn.keys.persistentSchedules)).toEqual(before);

      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/schedules`);
      await dark.page.getByText("每天凌晨 03:00").waitFor();
      await dark.page.getByText("旧版，只读").waitFor();
      await dark.screenshot("schedules-list-dark-zh-CN");
      await dark.page.goto(`${web.url}/schedules/new`);
      await dark.page.getByLabel("Cron 表达式", { exact: true }).fill("0 9 * * 1-5");
      await dark.page.getByText("含义：每个工作日 09:00").waitFor();
      await dark.page.getByRole("button", { name: "创建计划" }).click();
      await dark.page.locator('[data-field-error="schedule-name"]').getByText("必填。").waitFor();
      await dark.page.locator('[data-field-error="schedule-className"]').getByText("必填。").waitFor();
      await dark.page.getByText("未保存：请检查下方标出的 2 个字段。").waitFor();
      // The engine's own refusals are said in the reader's language too.
      await dark.page.getByLabel("名称", { exact: true }).fill("zh-check");
      await dark.page.getByLabel("任务类", { exact: true }).fill("SendDigest");
      await dark.page.getByText("本应用没有名为“SendDigest”的任务类").waitFor();
      await dark.page.getByLabel("时区", { exact: true }).fill("Mars/Olympus");
      await dark.page.getByRole("button", { name: "创建计划" }).click();
      await dark.page
        .locator('[data-field-error="schedule-timezone"]')
        .getByText("未知时区“Mars/Olympus”：请使用 IANA 名称，例如 Asia/Shanghai 或 UTC。")
        .waitFor();
      await dark.screenshot("schedules-new-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it("deletes a schedule after a confirmation naming it", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/schedules`);
    const row = page.locator('tr[data-schedule="digest"]');
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByText("Delete the schedule digest? Jobs it already enqueued stay in their queue.").waitFor();
    expect(await stored("digest")).not.toBe(null); // asking changes nothing
    await row.getByRole("button", { name: "Yes, do it" }).click();
    await page.locator("[data-flash]").getByText("Schedule digest deleted.").waitFor();
    await waitFor("the entry gone", async () => (await stored("digest")) === null);
    await page.locator('tr[data-schedule="digest"]').waitFor({ state: "detached" });
  });
});
