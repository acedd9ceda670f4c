/**
 * The overview page and GET /api/status in a real browser against the production build:
 * empty namespace, a namespace seeded through lib/resque (queued jobs, a failure recorded by a
 * real worker, a registered worker), and a server whose Redis is down.
 */
import type { Page } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  BaseJob,
  Client,
  Connection,
  getStats,
  JobRegistry,
  listQueues,
  type listWorkers,
  makeKeys,
  Worker,
} from "@/lib/resque";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { freePort } from "../helpers/redis-server";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

class SendReceipt extends BaseJob<{ order: number }> {
  static names = ["SendReceipt"];
  perform() {}
}
class ChargeCard extends BaseJob<{ order: number }> {
  static names = ["ChargeCard"];
  perform(): never {
    throw new Error(`card declined for order ${this.args.order}`);
  }
}

const STAT_LABELS = ["Processed", "Failed", "Queued", "Workers", "Working"] as const;
type StatLabel = (typeof STAT_LABELS)[number];

/**
 * The five counters as the page shows them: each label is an element of its own followed by an
 * element holding just the number (independent of how the cards are laid out).
 */
async function readStats(page: Page): Promise<Partial<Record<StatLabel, number>>> {
  return page.evaluate((labels: readonly string[]) => {
    const out: Record<string, number> = {};
    for (const el of document.querySelectorAll("main *")) {
      const label = el.textContent?.trim() ?? "";
      if (el.children.length || !labels.includes(label) || label in out) continue;
      const value = el.nextElementSibling?.textContent?.trim() ?? "";
      if (/^\d[\d,]*$/.test(value)) out[label] = Number(value.replace(/,/g, ""));
    }
    return out;
  }, STAT_LABELS);
}

/** Body rows of the table under the heading `title`, as arrays of cell texts. */
async function readTable(page: Page, title: string): Promise<string[][]> {
  const section = page.locator("section", { has: page.getByRole("heading", { name: title, exact: true }) });
  const rows = await section.locator("tbody").getByRole("row").all();
  return Promise.all(rows.map(async (r) => (await r.getByRole("cell").allInnerTexts()).map((t) => t.trim())));
}

/** No Node stack frames ("    at fn (file:line:col)") and no Next error page. */
function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/^\s*at .+:\d+:\d+\)?$/m);
  expect(text).not.toMatch(/Application error|Internal Server Error|Unhandled Runtime Error/i);
}

describe("overview page", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-overview");
  let redis: Redis;
  let web: WebServer;
  let down: WebServer;
  let browser: OpenedBrowser;
  let worker: Worker | undefined;

  beforeAll(async () => {
    redis = testRedis();
    // A port nobody listens on: freePort() binds it, then closes it again.
    const closedPort = await freePort();
    // allSettled: when one start fails, afterAll still stops the ones that started.
    const [w, d, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace }),
      startWeb({ redisUrl: `redis://127.0.0.1:${closedPort}`, namespace }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (d.status === "fulfilled") down = d.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, d, b]) if (r.status === "rejected") throw r.reason;
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await Promise.all([web?.stop(), down?.stop()]);
    await dropNamespace(redis, namespace);
  });

  it("shows zeros and the empty-state hints for a namespace with no data", async () => {
    const { page } = browser;
    browser.clearErrors();
    const res = await page.goto(web.url);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.title()).toBe("Overview · Resque Admin");
    expect(await readStats(page)).toEqual({ Processed: 0, Failed: 0, Queued: 0, Workers: 0, Working: 0 });
    expect(await page.getByText("No queues yet.").isVisible()).toBe(true);
    expect(await page.getByText("No workers are running.").isVisible()).toBe(true);
    await browser.screenshot("overview-empty-light");
    expect(browser.errors()).toEqual([]);
  });

  it("shows seeded counts, queues and workers, and /api/status reports the same numbers", async () => {
    const registry = new JobRegistry([SendReceipt, ChargeCard]);
    const client = new Client({ redis, namespace, registry });
    for (const order of [1, 2, 3]) await client.enqueue("mail", SendReceipt, { order });
    for (const order of [4, 5]) await client.enqueue("reports", "BuildReport", { order });

    // A real worker, in this process, on its own queue: one success and one recorded failure.
    worker = new Worker({ redis, namespace, registry, queues: ["billing"], intervalSec: 1 });
    await worker.start();
    await client.enqueue("billing", SendReceipt, { order: 6 });
    await client.enqueue("billing", ChargeCard, { order: 7 });
    await waitFor("the failure record", async () => (await redis.llen(`${namespace}:failed`)) === 1);
    await waitFor("both jobs counted", async () => (await redis.get(`${namespace}:stat:processed`)) === "2");

    const conn = new Connection({ redis, namespace });
    const engine = await getStats(conn);
    expect(engine).toMatchObject({ processed: 2, failedListLength: 1, pending: 5, workers: 1, working: 0, queues: 3 });

    const { page } = browser;
    browser.clearErrors();
    await page.goto(web.url);
    const shown = await readStats(page);
    expect(shown).toEqual({ Processed: 2, Failed: 1, Queued: 5, Workers: 1, Working: 0 });

    const queueRows = await readTable(page, "Queues");
    expect(queueRows.map((r) => [r[0], r[1]]).sort()).toEqual([
      ["billing", "0"],
      ["mail", "3"],
      ["reports", "2"],
    ]);
    expect(queueRows.find((r) => r[0] === "mail")?.[2]).toMatch(/^\d+(\.\d)? (sec|min|hr)$/); // latency of the head job, rolled up

    const workerRows = await readTable(page, "Workers");
    expect(workerRows.map((r) => r.map((c) => c.toLowerCase()))).toEqual([
      [worker.id.toLowerCase(), "alive", "idle", "2", "1"],
    ]);

    await browser.screenshot("overview-seeded-light");
    expect(browser.errors()).toEqual([]);

    const api = await getJson<{
      stats: Awaited<ReturnType<typeof getStats>>;
      queues: Awaited<ReturnType<typeof listQueues>>;
      workers: Awaited<ReturnType<typeof listWorkers>>;
    }>(web, "/api/status");
    expect(api.status).toBe(200);
    expect(api.contentType).toMatch(/application\/json/);
    const status = api.body;
    expect({
      Processed: status.stats.processed,
      Failed: status.stats.failedListLength,
      Queued: status.stats.pending,
      Workers: status.stats.workers,
      Working: status.stats.working,
    }).toEqual(shown);
    expect(status.stats.failed).toBe(1);
    expect(status.queues.map((q) => [q.name, String(q.size)]).sort()).toEqual(
      queueRows.map((r) => [r[0], r[1]]).sort(),
    );
    expect(status.workers.map((w) => [w.id, w.liveness, w.processed, w.failed])).toEqual([[worker.id, "alive", 2, 1]]);
    expect((await listQueues(conn)).map((q) => q.name).sort()).toEqual(status.queues.map((q) => q.name).sort());
  });

  it("renders the seeded overview in dark mode in a zh-CN browser", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(web.url);
      expect(
        await dark.page.evaluate(() => [navigator.language, matchMedia("(prefers-color-scheme: dark)").matches]),
      ).toEqual(["zh-CN", true]);
      // Dark styles apply: the body background is far from white (Tailwind 4 reports oklch/lab, not rgb).
      const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).not.toMatch(/^rgb\(255, 255, 255\)$|^(oklch|lab)\((1|100)(\.0+)?%? /);
      // Language-neutral checks: queue names and the worker id are data, not labels.
      await dark.page.getByRole("cell", { name: "mail", exact: true }).waitFor();
      await dark.page.getByRole("cell", { name: worker!.id, exact: true }).waitFor();
      await dark.screenshot("overview-seeded-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it("switches language from the header: the client components follow at once, without a reload", async () => {
    const b = await openBrowser();
    try {
      await signIn(b.page, web);
      await b.page.goto(web.url);
      await b.page.getByRole("button", { name: "● Live · Pause updates" }).waitFor();
      await b.page.evaluate(() => Object.assign(window, { beforeSwitch: true }));
      await b.page.getByRole("button", { name: "中文", exact: true }).click();
      // LiveControl and the counters are client components: they read the locale the layout provides.
      await b.page.getByRole("button", { name: "● 实时 · 暂停刷新" }).waitFor();
      await b.page.getByText("已处理", { exact: true }).first().waitFor();
      expect(await b.page.evaluate(() => [document.documentElement.lang, "beforeSwitch" in window])).toEqual([
        "zh-CN",
        true,
      ]);
      await b.screenshot("overview-switched-zh-CN");
      await b.page.getByRole("button", { name: "English", exact: true }).click();
      await b.page.getByRole("button", { name: "● Live · Pause updates" }).waitFor();
      await b.page.getByText("Processed", { exact: true }).first().waitFor();
      expect(await b.page.evaluate(() => [document.documentElement.lang, "beforeSwitch" in window])).toEqual([
        "en",
        true,
      ]);
      expect(b.errors()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it(
    "says Redis is unreachable, without a stack trace, and /api/status answers 503 JSON",
    { timeout: 120_000 },
    async () => {
      // Redis-bound requests go first and back to back: while Redis is down, each one waits longer
      // than the last (ioredis reconnect backoff; measured 0.5 s, 1.8 s, 10 s, then about 15 s).
      const api = await getJson<{ error?: string }>(down, "/api/status");
      expect(api.status).toBe(503);
      expect(api.contentType).toMatch(/application\/json/);
      expect(api.body.error).toMatch(/^Redis is unreachable/);
      expectNoStackTrace(api.body.error ?? "");

      const { page } = browser;
      // Cookies are per host, not per port: this replaces the session for `web` in this browser.
      await signIn(page, down);
      await page.goto(down.url);
      expect(new URL(page.url()).pathname).toBe("/");
      // Next's route announcer is a role=alert too, hence the filter.
      const alert = page.getByRole("alert").filter({ hasText: "Can't reach Redis" });
      await alert.first().waitFor();
      expect(await alert.count()).toBe(1);
      // A sentence a person can act on, with the (masked) address; the driver's text is folded away.
      expect((await alert.textContent())?.trim()).toMatch(
        /^Can't reach Redis at redis:\/\/127\.0\.0\.1:\d+.*check that Redis is running\./,
      );
      expectNoStackTrace(await page.locator("body").innerText());
      await browser.screenshot("overview-redis-down-light");
    },
  );
});

describe("overview charts and scheduler health", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-charts");
  const keys = makeKeys(namespace);
  let redis: Redis;
  let web: WebServer;
  let browser: OpenedBrowser;
  const processes: Running[] = [];

  beforeAll(async () => {
    redis = testRedis();
    // A zone other than the server's, so the history chart's browser-side re-read is exercised.
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace }),
      openBrowser({ colorScheme: "light", timezoneId: "Asia/Shanghai" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    for (const p of processes) p.kill("SIGTERM");
    await Promise.all(processes.map((p) => p.exited));
    await browser?.close();
    await web?.stop();
    if (redis) {
      const found = await redis.keys(`${namespace}:*`);
      if (found.length) await redis.del(...found);
      redis.disconnect();
    }
  });

  it("warns that no scheduler runs, counts the overdue delayed job, and draws both charts empty", async () => {
    const ts = Math.floor(Date.now() / 1000) - 120;
    const raw = JSON.stringify({ class: "RecordJob", args: [{ n: 99 }], queue: "fast" });
    await redis
      .multi()
      .zadd(keys.delayedSchedule, ts, String(ts))
      .rpush(keys.delayed(ts), raw)
      .sadd(keys.timestamps(raw), `delayed:${ts}`)
      .exec();

    const { page } = browser;
    browser.clearErrors();
    await page.goto(web.url);
    const card = page.locator("[data-scheduler-state]");
    expect(await card.getAttribute("data-scheduler-state")).toBe("none");
    expect(await card.getByRole("note").textContent()).toMatch(/No scheduler is running/);
    expect(await card.locator("[data-scheduler-overdue]").getAttribute("data-scheduler-overdue")).toBe("1");
    for (const chart of ["realtime", "history"])
      expect(await page.locator(`figure[data-chart="${chart}"] svg[role="img"]`).count()).toBe(1);
    expect(await page.locator("[data-history-text]").textContent()).toMatch(/^No history yet/);
    await browser.screenshot("overview-no-scheduler-light");
    expect(browser.errors()).toEqual([]);
  });

  it(
    "shows the leader once a scheduler process runs, and both charts move as a real worker processes jobs",
    { timeout: 180_000 },
    async () => {
      const { page } = browser;
      browser.clearErrors();
      processes.push(startCli(["scheduler"], cliEnv(redisUrl, namespace)));
      const leader = await waitFor("a scheduler leader", () => redis.get(keys.schedulerMasterLock), 60_000);
      // The page's poll shows it without a reload; the leader has moved the overdue item to its queue.
      await page.locator(`[data-scheduler-leader="${leader}"]`).waitFor();
      await page.locator('[data-scheduler-state="ok"] [data-scheduler-overdue="0"]').waitFor();
      expect(await page.locator("[data-scheduler-state] [role=note]").count()).toBe(0);
      await waitFor("the first history sample", async () => (await redis.hlen(`${namespace}:tsq:history:hour`)) > 0);

      processes.push(startCli(["work"], cliEnv(redisUrl, namespace, { QUEUE: "fast", SCHEDULER: "0" })));
      const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
      // 100 ms each: about 3 s of work, so at least one poll lands while jobs are being processed.
      for (let n = 1; n <= 30; n++) await client.enqueue("fast", "RecordJob", { n, ms: 100 });
      await page.waitForFunction(
        () => Number(document.querySelector('[data-chart="realtime"]')?.getAttribute("data-rate-processed")) > 0,
        undefined,
        { timeout: 60_000 },
      );
      expect(await page.locator("[data-rate-text]").textContent()).toMatch(
        /^Now: \d+(\.\d)? processed\/s · \d+(\.\d)? failed\/s$/,
      );
      expect(await page.locator('figure[data-chart="realtime"] polyline').count()).toBe(2);
      await browser.screenshot("overview-realtime-light");
      await waitFor("31 jobs processed", async () => (await redis.get(keys.statProcessed)) === "31", 60_000);

      // History: a reload draws it from the server (UTC), then the browser re-reads it in its own zone.
      await waitFor(
        "the history chart to count the 31 jobs",
        async () => {
          await page.reload();
          await page.getByText("Times in Asia/Shanghai").waitFor();
          return (await page.locator('figure[data-chart="history"]').getAttribute("data-total-processed")) === "31";
        },
        90_000,
        1000,
      );
      expect(await page.locator("[data-history-text]").textContent()).toBe("Last 48 h: 31 processed · 0 failed");
      expect(await page.locator('figure[data-chart="history"] g[data-bucket]').count()).toBe(48);
      await page.getByRole("button", { name: "By day (30 d)" }).click();
      await page.locator('figure[data-chart="history"][data-unit="days"]').waitFor();
      expect(await page.locator('figure[data-chart="history"] g[data-bucket]').count()).toBe(30);
      expect(await page.locator("[data-history-text]").textContent()).toBe("Last 30 days: 31 processed · 0 failed");
      await browser.screenshot("overview-charts-light");
      expect(browser.errors()).toEqual([]);

      const api = await getJson<{ timeZone: string; hours: { processed: number | null }[]; days: unknown[] }>(
        web,
        "/api/history?tz=Asia/Shanghai",
      );
      expect(api.status).toBe(200);
      expect([api.body.timeZone, api.body.hours.length, api.body.days.length]).toEqual(["Asia/Shanghai", 48, 30]);
      expect(api.body.hours.reduce((s, h) => s + (h.processed ?? 0), 0)).toBe(31);
      expect((await getJson<{ timeZone: string }>(web, "/api/history?tz=No/Such_Zone")).body.timeZone).toBe("UTC");
    },
  );

  it("renders the charts and the scheduler card in dark mode in a zh-CN browser", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(web.url);
      await dark.page.locator('[data-scheduler-state="ok"]').waitFor();
      await dark.page.getByText("最近 48 小时：已处理 31 · 失败 0").waitFor();
      await dark.screenshot("overview-charts-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
