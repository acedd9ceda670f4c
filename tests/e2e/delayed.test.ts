/**
 * The Delayed pages (/delayed, /delayed/[timestamp]) and their JSON routes against the production
 * build: php, node and Ruby fixture items (overdue) next to our own, totals and paging in the URL,
 * hostile args shown as text; "enqueue now" runs the job on a real worker; delete, reschedule and
 * clear all act on Redis through their confirmations; bad input says so and changes nothing.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { formatRelative, formatTime, zonedInputToMs, zonedInputValue } from "@/lib/format";
import { translator } from "@/lib/i18n";
import { Client, Connection, JobRegistry } from "@/lib/resque";
import { replayAction, serverAction } from "../helpers/actions";
import { openBrowser, waitHydrated, type OpenedBrowser } from "../helpers/browser";
import { delayedFixtures, seedRaw } from "../helpers/fixtures";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";
const ACTIONS = "app/(dashboard)/delayed/actions.ts";

const utc = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 19).replace("T", " ") + " UTC";

describe("delayed pages", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-delayed");
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let browser: OpenedBrowser;
  let worker: Running;
  /** Our items due in about an hour, all at one timestamp. */
  const hourTs = Math.floor(Date.now() / 1000) + 3600;
  const raws: Record<string, string> = {};
  const key = (s: string) => `${namespace}:${s}`;

  /** What Redis holds, read without the engine: timestamp → items. */
  async function schedule(): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const ts of await redis.zrange(key("delayed_queue_schedule"), "0", "-1"))
      out.set(Number(ts), await redis.lrange(key(`delayed:${ts}`), 0, -1));
    return out;
  }

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    // No scheduler: the overdue fixture items must stay where they are while the pages show them.
    worker = startCli(["work"], cliEnv(redisUrl, namespace, { QUEUE: "e2e_run", SCHEDULER: "0" }));

    for (const f of delayedFixtures().fixtures) await seedRaw(redis, namespace, f);
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    for (const n of ["run", "del", "move"]) await client.enqueueAt(hourTs, "e2e_run", "RecordJob", { n });
    await client.enqueueAt(hourTs, "e2e_run", "Noise", { note: SCRIPT });
    for (const raw of await redis.lrange(key(`delayed:${hourTs}`), 0, -1))
      raws[(JSON.parse(raw) as { args: [{ n?: string }] }).args[0].n ?? "noise"] = raw;
    for (let i = 1; i <= 25; i++) await client.enqueueAt(hourTs + 600 + i * 60, "reports", "BuildReport", { i });
    await waitFor("a worker", async () => (await redis.scard(conn.keys.workers)) === 1, 60_000);
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    worker?.kill();
    await worker?.exited;
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("lists timestamps with counts, overdue ones marked, totals at the top, and the same data at /api/delayed", async () => {
    const s = await schedule();
    const nowSec = Date.now() / 1000;
    const total = [...s.values()].reduce((a, l) => a + l.length, 0);
    const due = [...s.entries()].filter(([ts]) => ts <= nowSec).reduce((a, [, l]) => a + l.length, 0);
    expect(s.size).toBe(8 + 1 + 25);
    expect(due).toBe(12); // every fixture item is in the past

    const { page } = browser;
    browser.clearErrors();
    const before = Date.now();
    const res = await page.goto(`${web.url}/delayed`);
    expect(res?.status()).toBe(200);
    const after = Date.now();
    await page
      .locator("[data-totals]")
      .getByText(`Delayed jobs: ${total} · scheduled times: 34 · due now: ${due}`)
      .waitFor();
    await page.getByText(`${due} jobs are overdue`).waitFor();
    await page.getByText("No scheduler holds the lock").waitFor();
    expect(await page.getByText("Showing 1–20 of 34").count()).toBe(2);
    const rows = page.locator("main tbody tr");
    expect(await rows.count()).toBe(20);
    // Earliest first: node's retry item, then the php ones; each overdue, with its class and queue.
    const first = rows.first();
    expect(await first.getAttribute("data-timestamp")).toBe("1795916586");
    expect(await first.innerText()).toContain("overdue");
    expect(await first.innerText()).toContain("retryJob → default");
    expect(await first.innerText()).toContain("2026-11-29 01:43:06 UTC");
    const ruby = page.locator('tr[data-timestamp="1795920306"]');
    expect(await ruby.innerText()).toMatch(/RubyInterop::OkJob → ruby_interop\s*\+4 more/);
    expect(await ruby.locator("td").nth(1).innerText()).toBe("5");
    const ours = page.locator(`tr[data-timestamp="${hourTs}"]`);
    // "in 58 min" or "in 60 min" alike: measured from the moment the page was drawn, however long
    // the start took on a loaded machine (hourTs was fixed when the file loaded).
    const t = translator("en");
    const wordings = new Set<string>();
    for (let ms = before; ms <= after + 1000; ms += 500) wordings.add(formatRelative(t, hourTs * 1000 - ms));
    const oursText = await ours.innerText();
    expect(
      [...wordings].filter((w) => oursText.includes(w)),
      oursText,
    ).not.toEqual([]);
    expect(await ours.innerText()).toContain(utc(hourTs));
    expect(await ours.innerText()).not.toContain("overdue");
    await browser.screenshot("delayed-list-light");
    expect(browser.errors()).toEqual([]);

    const api = await getJson<{
      counts: { total: number; due: number; timestamps: number };
      page: { total: number; items: { timestamp: number; count: number }[] };
    }>(web, "/api/delayed?page=2&per=20");
    expect(api.status).toBe(200);
    expect(api.body.counts).toEqual({ total, due, timestamps: 34 });
    expect(api.body.page.total).toBe(34);
    expect(api.body.page.items.map((i) => i.timestamp)).toEqual([...s.keys()].slice(20));
  });

  it("pages through the timestamps with the page and per-page in the URL", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/delayed`);
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–34 of 34").first().waitFor();
    expect(await page.locator("main tbody tr").count()).toBe(14);
    await page.getByRole("link", { name: "50", exact: true }).first().click();
    await page.waitForURL((u) => u.searchParams.get("per") === "50" && u.searchParams.get("page") === "1");
    await page.getByText("Showing 1–34 of 34").first().waitFor();
    expect(await page.locator("main tbody tr").count()).toBe(34);
  });

  it("shows one timestamp's items with args as text, never markup, and answers the same at /api/delayed/[ts]", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/delayed`);
    await page.locator(`tr[data-timestamp="${hourTs}"] a`).click();
    await page.waitForURL((u) => u.pathname === `/delayed/${hourTs}`);
    await page.getByRole("heading", { name: `Due in`, exact: false }).waitFor();
    expect(await page.getByRole("heading").first().innerText()).toContain(utc(hourTs));
    await page.getByText("Showing 1–4 of 4").first().waitFor();
    const main = await page.locator("main").innerText();
    expect(main).toContain(`[{"note":"${SCRIPT}"}]`);
    expect(main).toContain('[{"n":"run"}]');
    expect(await page.locator("main script").count()).toBe(0);
    await browser.screenshot("delayed-items-light");

    // php's item, as php wrote it (escaped slash and unicode), decoded for display.
    await page.goto(`${web.url}/delayed/1795919992`);
    await page.getByText("overdue").first().waitFor();
    expect(await page.locator("main tbody").innerText()).toContain(
      '[{"to":"user@example.com","path":"a/b","name":"Zoë"}]',
    );
    expect(browser.errors()).toEqual([]);

    const api = await getJson<{ timestamp: number; items: { total: number; items: { raw: string; queue: string }[] } }>(
      web,
      `/api/delayed/${hourTs}`,
    );
    expect(api.status).toBe(200);
    expect(api.body.items.items.map((i) => i.raw)).toEqual(await redis.lrange(key(`delayed:${hourTs}`), 0, -1));
    expect((await getJson(web, "/api/delayed/not-a-time")).status).toBe(404);
    expect((await page.goto(`${web.url}/delayed/not-a-time`))?.status()).toBe(404);
    // A timestamp nothing is scheduled at is an empty page, not an error.
    await page.goto(`${web.url}/delayed/1700000000`);
    await page.getByText("No jobs are scheduled at this time any more").waitFor();
  });

  it("enqueues an item due in an hour now, and a real worker runs it", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/delayed/${hourTs}`);
    const row = page.locator("main tbody tr", { hasText: '"n":"run"' });
    await row.getByRole("button", { name: "Enqueue now" }).click();
    await page.locator("[data-flash]").getByText("Enqueued RecordJob on e2e_run.").waitFor();
    await waitFor("the job ran", async () => (await redis.sismember(key("test:done"), "run")) === 1, 60_000);
    expect(await redis.lrange(key(`delayed:${hourTs}`), 0, -1)).not.toContain(raws.run);
    expect(await redis.smembers(key(`timestamps:${raws.run}`))).toEqual([]);
    await page.getByText("Showing 1–3 of 3").first().waitFor();
    expect(await page.locator("main tbody tr", { hasText: '"n":"run"' }).count()).toBe(0);

    // The same item again (a second tab, a stale page): it is gone, and the answer says so.
    const replay = await replayAction(page, web.url, serverAction(ACTIONS, "enqueueDelayedNowAction"), [
      hourTs,
      raws.run,
    ]);
    expect(replay.text).toContain("it was already enqueued or removed");
  });

  it("deletes one item after a confirmation naming it", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/delayed/${hourTs}`);
    const row = page.locator("main tbody tr", { hasText: '"n":"del"' });
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByText(`Delete this RecordJob job due ${utc(hourTs)}? It will never run.`).waitFor();
    expect(await redis.lrange(key(`delayed:${hourTs}`), 0, -1)).toContain(raws.del); // asking changes nothing
    await browser.screenshot("delayed-items-confirm-delete-light");
    await row.getByRole("button", { name: "Yes, do it" }).click();
    await page
      .locator("[data-flash]")
      .getByText(`Deleted the RecordJob job due ${utc(hourTs)}.`)
      .waitFor();
    expect(await redis.lrange(key(`delayed:${hourTs}`), 0, -1)).not.toContain(raws.del);
    expect(await redis.exists(key(`timestamps:${raws.del}`))).toBe(0);
  });

  it("refuses a bad reschedule with a message and changes nothing", async () => {
    const { page } = browser;
    const before = await schedule();
    await page.goto(`${web.url}/delayed/${hourTs}`);
    await waitHydrated(page);
    const row = page.locator("main tbody tr", { hasText: '"n":"move"' });
    await row.locator('input[type="datetime-local"]').fill("");
    await row.getByRole("button", { name: "Reschedule" }).click();
    await page.locator("[data-flash]").getByText("Give a valid date and time: nothing was changed.").waitFor();

    // What a form cannot send, a forged POST can: each is refused with a sentence. The browser sends
    // the new time as unix seconds, so text (even a valid-looking date) is refused: no zone guessed.
    const reschedule = serverAction(ACTIONS, "rescheduleDelayedAction");
    for (const [args, answer] of [
      [[hourTs, raws.move, "2027-01-01T00:00"], "Give a valid date and time"],
      [[hourTs, raws.move, 1_798_761_600.5], "Give a valid date and time"],
      [[hourTs, raws.move, -1], "Give a valid date and time"],
      [[hourTs, raws.move, 1e99], "Give a valid date and time"],
      [[hourTs, raws.move, null], "Give a valid date and time"],
      [[hourTs, raws.move, "tomorrow"], "Give a valid date and time"],
      [[hourTs, raws.move, "10000-01-01T00:00"], "Give a valid date and time"],
      [["1e99", raws.move, 1_798_761_600], "Invalid timestamp"],
      [[hourTs + 0.5, raws.move, 1_798_761_600], "Invalid timestamp"],
      [[hourTs, "", 1_798_761_600], "Invalid job"],
      [[hourTs, 42, 1_798_761_600], "Invalid job"],
      [[hourTs, raws.move!.replace("move", "mvoe"), 1_798_761_600], "it was already enqueued or removed"],
    ] as const) {
      const replay = await replayAction(page, web.url, reschedule, [...args]);
      expect(replay.text, JSON.stringify(args).slice(0, 100)).toContain(answer);
    }
    expect(await schedule()).toEqual(before);
  });

  it("reschedules one item, byte for byte, to the time typed (a UTC browser)", async () => {
    const { page } = browser;
    const to = hourTs + 86_400 + 7;
    await page.goto(`${web.url}/delayed/${hourTs}`);
    await waitHydrated(page);
    const row = page.locator("main tbody tr", { hasText: '"n":"move"' });
    const input = row.locator('input[type="datetime-local"]');
    // Starts at the item's own time, read as UTC (Chromium drops ":00" seconds from the value).
    expect(Date.parse((await input.inputValue()) + "Z")).toBe(hourTs * 1000);
    await input.fill(new Date(to * 1000).toISOString().slice(0, 19));
    await row.getByRole("button", { name: "Reschedule" }).click();
    await page
      .locator("[data-flash]")
      .getByText(`Moved RecordJob to ${utc(to)}.`)
      .waitFor();
    expect(await redis.zscore(key("delayed_queue_schedule"), String(to))).toBe(String(to));
    expect(await redis.lrange(key(`delayed:${to}`), 0, -1)).toEqual([raws.move]);
    expect(await redis.smembers(key(`timestamps:${raws.move}`))).toEqual([`delayed:${to}`]);
    expect(await redis.lrange(key(`delayed:${hourTs}`), 0, -1)).toEqual([raws.noise]);

    // Into the past: allowed, and the answer says it is due now.
    await page.goto(`${web.url}/delayed/${to}`);
    await waitHydrated(page);
    await page.locator('input[type="datetime-local"]').fill("2020-01-01T00:00");
    await page.getByRole("button", { name: "Reschedule" }).click();
    await page.locator("[data-flash]").getByText("That time has passed, so it is due now").waitFor();
    expect(await redis.lrange(key("delayed:1577836800"), 0, -1)).toEqual([raws.move]);
  });

  it("renders both pages in dark mode in a zh-CN browser", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/delayed`);
      await dark.page.getByText("已过期").first().waitFor();
      await dark.page.getByText("第 1–20 条，共 35 条").first().waitFor();
      await dark.screenshot("delayed-list-dark-zh-CN");
      await dark.page.goto(`${web.url}/delayed/${hourTs}`);
      await dark.page.getByRole("button", { name: "立即入队" }).waitFor();
      expect(await dark.page.locator("main").innerText()).toContain(SCRIPT);
      await dark.page.getByRole("button", { name: "删除" }).click();
      await dark.page.getByText("它将不会再运行").waitFor();
      await dark.screenshot("delayed-items-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it("shows times in a Shanghai browser's zone and reschedules at the instant typed on its wall clock", async () => {
    const zone = "Asia/Shanghai";
    const ts = hourTs + 7200;
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    await client.enqueueAt(ts, "e2e_run", "ZoneJob", { n: "zone" });
    const [raw] = await redis.lrange(key(`delayed:${ts}`), 0, -1);
    const local = formatTime(ts * 1000, zone); // "… GMT+8"
    for (const [locale, colorScheme, width, name] of [
      ["en-US", "light", 1280, "delayed-items-shanghai-light"],
      ["zh-CN", "dark", 390, "delayed-items-shanghai-dark-zh-CN-390"],
    ] as const) {
      const b = await openBrowser({ locale, colorScheme, timezoneId: zone, viewport: { width, height: 800 } });
      try {
        await signIn(b.page, web);
        await b.page.goto(`${web.url}/delayed?per=100`);
        // Rendered in UTC by the server, then in the browser's zone once hydrated (no mismatch error).
        await b.page.locator(`tr[data-timestamp="${ts}"]`).getByText(local).waitFor();
        await b.page.goto(`${web.url}/delayed/${ts}`);
        await b.page.locator("h1").getByText(local).waitFor();
        const row = b.page.locator("main tbody tr", { hasText: '"n":"zone"' });
        await row.locator("[data-zone]").getByText(zone).waitFor();
        const input = row.locator('input[type="datetime-local"]');
        // The field starts at the item's time on Shanghai's wall clock (8 h ahead of UTC).
        await waitFor(
          "the field in Shanghai time",
          async () => zonedInputToMs(await input.inputValue(), zone) === ts * 1000,
        );
        expect((await input.inputValue()).slice(0, 16)).toBe(zonedInputValue(ts * 1000, zone).slice(0, 16));
        // Quick picks fill the field; "+1 h" is an hour from the click, read on Shanghai's clock.
        const before = Date.now();
        await row.getByRole("button", { name: locale === "en-US" ? "+1 h" : "+1 小时" }).click();
        const after = Date.now();
        const picked = zonedInputToMs(await input.inputValue(), zone)!;
        expect(picked).toBeGreaterThanOrEqual(Math.floor((before + 3_600_000) / 1000) * 1000);
        expect(picked).toBeLessThanOrEqual(after + 3_600_000);
        await row.getByRole("button", { name: locale === "en-US" ? "Tomorrow 09:00" : "明天 09:00" }).click();
        expect(await input.inputValue()).toMatch(/T09:00(:00)?$/);
        expect(b.errors()).toEqual([]);
        await b.screenshot(name);
      } finally {
        await b.close();
      }
    }

    // Typed on a Shanghai wall clock, stored as that instant: 8 h earlier in UTC terms than the digits read.
    const b = await openBrowser({ timezoneId: zone });
    try {
      await signIn(b.page, web);
      await b.page.goto(`${web.url}/delayed/${ts}`);
      const row = b.page.locator("main tbody tr", { hasText: '"n":"zone"' });
      const input = row.locator('input[type="datetime-local"]');
      await row.locator("[data-zone]").getByText(zone).waitFor();
      const to = ts + 86_400 + 13;
      const typed = zonedInputValue(to * 1000, zone);
      expect(Date.parse(typed + "Z") / 1000 - to).toBe(8 * 3600);
      await input.fill(typed);
      await row.getByRole("button", { name: "Reschedule" }).click();
      await b.page
        .locator("[data-flash]")
        .getByText(`Moved ZoneJob to ${utc(to)}.`)
        .waitFor();
      expect(await redis.zscore(key("delayed_queue_schedule"), String(to))).toBe(String(to));
      expect(await redis.lrange(key(`delayed:${to}`), 0, -1)).toEqual([raw]);
      expect(await redis.exists(key(`delayed:${ts}`))).toBe(0);
      expect(b.errors()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it("clears every delayed job through a confirmation naming the count", async () => {
    const s = await schedule();
    const total = [...s.values()].reduce((a, l) => a + l.length, 0);
    const { page } = browser;
    await page.goto(`${web.url}/delayed`);
    await page.getByRole("button", { name: "Clear all delayed" }).click();
    await page
      .getByText(`Delete every delayed job (${total} in all, scheduled times: ${s.size})? They will never run.`)
      .waitFor();
    expect(await redis.zcard(key("delayed_queue_schedule"))).toBe(s.size); // asking changes nothing
    await browser.screenshot("delayed-list-confirm-clear-light");
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.getByText(`Deleted ${total} delayed jobs.`).waitFor();
    expect(await redis.exists(key("delayed_queue_schedule"))).toBe(0);
    expect(await redis.keys(key("delayed:*"))).toEqual([]);
    expect(await redis.keys(key("timestamps:*"))).toEqual([]);
    await page.getByText("No delayed jobs.").waitFor();
  });
});
