/**
 * The Working page, the Stats page (counters, Redis INFO) and the key browser against the
 * production build: real worker processes hold jobs until the test releases them, the key browser
 * pages through a SCAN with the cursor in the URL, and a key's values page by type. Hostile key
 * names and args render as text. Also GET /api/working, /api/workers, /api/stats, /api/keys.
 */
import type { Page } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, JobRegistry } from "@/lib/resque";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";
const IMG = "<img src=x onerror=alert(1)>";

async function tableRows(page: Page): Promise<string[][]> {
  const rows = await page.locator("main table tbody tr").all();
  return Promise.all(rows.map(async (r) => (await r.locator("td").allInnerTexts()).map((t) => t.trim())));
}

/** Key names shown on the key browser page. */
/**
 * The key browser's rows (key and type) and its "next" link, read at one instant: the page polls
 * /api/keys every 2 s, and a poll between two reads can bring a SCAN from the same cursor that
 * went further (another file's keys rehash the table), whose link would skip what the first read
 * did not show.
 */
async function shownPage(page: Page): Promise<{ keys: string[]; types: string[]; next: string | null }> {
  await page.locator("main [data-showing]").first().waitFor();
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll("main tr[data-key]")];
    return {
      keys: rows.map((r) => r.getAttribute("data-key") ?? ""),
      types: rows.map((r) => r.querySelector("td:nth-child(2)")?.textContent?.trim() ?? ""),
      next: document.querySelector("main a[data-next]")?.getAttribute("href") ?? null,
    };
  });
}

describe("working, stats and key browser pages", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-stats");
  const test = `${namespace}:test:`;
  let redis: Redis;
  let web: WebServer;
  let browser: OpenedBrowser;
  let workers: Running | undefined;

  beforeAll(async () => {
    redis = testRedis();
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    if (redis) for (const n of [1, 2, 3]) await redis.lpush(`${test}release:${n}`, "go");
    if (workers) {
      workers.kill("SIGTERM");
      await workers.exited;
    }
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it(
    "lists the jobs being worked now, live, with args as text, and says so when there are none",
    { timeout: 120_000 },
    async () => {
      const { page } = browser;
      browser.clearErrors();
      const res = await page.goto(`${web.url}/working`);
      expect(res?.status()).toBe(200);
      await page.getByText("No job is being worked right now.").waitFor();

      workers = startCli(["work"], cliEnv(redisUrl, namespace, { QUEUE: "slow", QUEUE_COUNT: "3", SCHEDULER: "0" }));
      const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
      await client.enqueue("slow", "BlockJob", { n: 1, note: SCRIPT });
      await client.enqueue("slow", "BlockJob", { n: 2, note: IMG });
      await client.enqueue("slow", "BlockJob", { n: 3, long: "x".repeat(300) });
      await waitFor("three jobs running", async () => (await redis.scard(`${test}started`)) === 3, 60_000);

      // No reload: the page's poll of /api/working brings them in.
      await waitFor(
        "three rows on the Working page",
        async () => (await page.locator("main tr[data-worker]").count()) === 3,
        30_000,
      );
      const rows = await tableRows(page);
      for (const r of rows) {
        expect(r[0]).toMatch(new RegExp(`:\\d+:slow$`));
        expect(r.slice(1, 3)).toEqual(["slow", "BlockJob"]);
        expect(r[4]).toMatch(/ago · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$|^just now · /);
      }
      const args = rows.map((r) => r[3] ?? "").sort();
      expect(args).toContain(`[{"n":1,"note":"${SCRIPT}"}]`);
      expect(args).toContain(`[{"n":2,"note":"${IMG}"}]`);
      expect(args.find((a) => a.startsWith('[{"n":3'))).toMatch(/…$/); // long args are folded
      expect(await page.locator("main script, main img").count()).toBe(0);
      expect(await page.getByText("Showing 1–3 of 3").first().isVisible()).toBe(true);
      await browser.screenshot("working-light");

      const api = await getJson<{
        working: { page: number; perPage: number; total: number; items: { id: string; job: { queue: string } }[] };
        redisTimeMs: number;
      }>(web, "/api/working?page=1&per=50");
      expect(api.status).toBe(200);
      expect([api.body.working.page, api.body.working.perPage, api.body.working.total]).toEqual([1, 50, 3]);
      expect(api.body.working.items.map((w) => w.job.queue)).toEqual(["slow", "slow", "slow"]);
      // A page past the end shows the last page; the URL carries the page size.
      await page.goto(`${web.url}/working?page=9&per=50`);
      await page.getByText("Showing 1–3 of 3").first().waitFor();
      expect(await page.locator('nav [aria-current="true"]').first().textContent()).toBe("50");

      const workersApi = await getJson<{ workers: { id: string; job?: unknown }[]; redisTimeMs: number }>(
        web,
        "/api/workers",
      );
      expect(workersApi.status).toBe(200);
      expect(workersApi.body.workers.filter((w) => w.job)).toHaveLength(3);
      expect(Math.abs(workersApi.body.redisTimeMs - Date.now())).toBeLessThan(60_000);

      // Finishing a job takes its row away without a reload.
      await redis.lpush(`${test}release:1`, "go");
      await waitFor("two rows left", async () => (await page.locator("main tr[data-worker]").count()) === 2, 30_000);
      expect(browser.errors()).toEqual([]);
    },
  );

  it("shows Resque counters and Redis INFO, sections folded, and /api/stats says the same", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/stats`);
    const version = /redis_version:(\S+)/.exec(await redis.info("server"))![1]!;
    expect((await page.locator('[data-fact="version"]').textContent())?.trim()).toBe(version);
    expect((await page.locator('[data-fact="processed"]').textContent())?.trim()).toBe(
      (await redis.get(`${namespace}:stat:processed`)) ?? "0",
    );
    expect(await page.locator('[data-fact="memory"]').textContent()).toMatch(/\d/);
    const server = page.locator('details[data-info-section="server"]');
    expect(await server.locator("table").isVisible()).toBe(false);
    await server.locator("summary").click();
    await server.getByRole("rowheader", { name: "redis_version", exact: true }).waitFor();
    await browser.screenshot("stats-light");

    const api = await getJson<{
      stats: { processed: number; workers: number };
      info: Record<string, Record<string, string>>;
    }>(web, "/api/stats");
    expect(api.status).toBe(200);
    expect(api.body.info.server?.redis_version).toBe(version);
    expect(api.body.stats.workers).toBe(3);
    expect(browser.errors()).toEqual([]);
  });

  it(
    "pages through the namespace's keys with the SCAN cursor in the URL, filters by type, and shows names as text",
    { timeout: 120_000 },
    async () => {
      const kb = `${namespace}:kb:`;
      const pipe = redis.pipeline();
      for (let i = 0; i < 60; i++) pipe.set(`${kb}str:${String(i).padStart(2, "0")}`, `v${i}`);
      pipe.rpush(`${kb}list`, ...Array.from({ length: 45 }, (_, i) => `item ${i}`));
      pipe.set(`${kb}${IMG}`, SCRIPT);
      await pipe.exec();
      // Only keys nothing else touches: the workers' wake-up lists come and go while the test pages.
      const all = [...(await redis.keys(`${kb}*`)), `${namespace}:queues`, `${namespace}:workers`].sort();

      const { page } = browser;
      browser.clearErrors();
      await page.goto(`${web.url}/stats/keys?per=20`);
      const seen = new Set<string>();
      const cursors: string[] = [];
      for (let i = 0; i < 40; i++) {
        const { keys, next } = await shownPage(page);
        for (const k of keys) seen.add(k);
        if (next === null) break;
        if (i === 0) await browser.screenshot("keys-light");
        await page.goto(`${web.url}${next}`);
        const cursor = new URL(page.url()).searchParams.get("cursor");
        expect(cursor !== null && !cursors.includes(cursor)).toBe(true);
        cursors.push(cursor!);
      }
      expect(cursors.length).toBeGreaterThanOrEqual(1);
      expect(await page.locator("main [data-scan-complete]").count()).toBeGreaterThan(0);
      // A page holds at least `per` keys unless its SCAN steps ran out (other tests share this Redis); none is lost between pages.
      expect(all.filter((k) => !seen.has(k))).toEqual([]);
      expect(seen.has(`${kb}${IMG}`)).toBe(true);
      expect(await page.locator("main img, main script").count()).toBe(0);

      // The type filter, straight from the URL.
      await page.goto(`${web.url}/stats/keys?type=list&match=${encodeURIComponent(`${kb}*`)}`);
      const listed: string[] = [];
      const types = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const shown = await shownPage(page);
        listed.push(...shown.keys);
        for (const t of shown.types) types.add(t);
        if (shown.next === null) break;
        await page.goto(`${web.url}${shown.next}`);
      }
      expect(listed).toEqual([`${kb}list`]);
      expect([...types]).toEqual(["list"]);

      const api = await getJson<{ nextCursor: string; keys: { key: string; type: string; size: number }[] }>(
        web,
        `/api/keys?match=${encodeURIComponent(`${kb}list`)}&per=100`,
      );
      expect(api.status).toBe(200);
      let found = api.body.keys;
      let cursor = api.body.nextCursor;
      while (found.length === 0 && cursor !== "0") {
        const more = await getJson<{ nextCursor: string; keys: { key: string; type: string; size: number }[] }>(
          web,
          `/api/keys?match=${encodeURIComponent(`${kb}list`)}&per=100&cursor=${cursor}`,
        );
        found = more.body.keys;
        cursor = more.body.nextCursor;
      }
      expect(found).toEqual([{ key: `${kb}list`, type: "list", size: 45, ttl: -1 }]);
      expect(browser.errors()).toEqual([]);
    },
  );

  it("shows a key's values paged by type: list pages in the URL, hash fields, a truncated string", async () => {
    const kb = `${namespace}:kb:`;
    await redis.hset(`${kb}hash`, { a: "1", [SCRIPT]: IMG });
    await redis.set(`${kb}big`, "y".repeat(70 * 1024));
    const { page } = browser;
    browser.clearErrors();

    await page.goto(`${web.url}/stats/key?key=${encodeURIComponent(`${kb}list`)}&per=20`);
    await page.getByText("Showing 1–20 of 45").first().waitFor();
    let rows = await tableRows(page);
    expect(rows.map((r) => r[1])).toEqual(Array.from({ length: 20 }, (_, i) => `item ${i}`));
    await browser.screenshot("key-list-light");
    await page.getByRole("link", { name: /Next/ }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–40 of 45").first().waitFor();
    rows = await tableRows(page);
    expect(rows[0]).toEqual(["20", "item 20"]);

    await page.goto(`${web.url}/stats/key?key=${encodeURIComponent(`${kb}hash`)}`);
    await page.getByText("2 fields").first().waitFor();
    rows = await tableRows(page);
    expect(rows.sort()).toEqual([
      [SCRIPT, IMG],
      ["a", "1"],
    ]);
    expect(await page.locator("main img, main script").count()).toBe(0);

    await page.goto(`${web.url}/stats/key?key=${encodeURIComponent(`${kb}big`)}`);
    expect((await page.locator("[data-truncated]").textContent())?.trim()).toBe(
      "Showing the first 65,536 bytes of 71,680.",
    );
    expect((await page.locator("main pre").first().textContent())?.length).toBe(64 * 1024);

    await page.goto(`${web.url}/stats/key?key=${encodeURIComponent(`${kb}missing`)}`);
    await page.getByText("This key does not exist").waitFor();

    const api = await getJson<{ value: { type: string; total: number; items: { index: number; value: string }[] } }>(
      web,
      `/api/keys/value?key=${encodeURIComponent(`${kb}list`)}&page=3&per=20`,
    );
    expect(api.status).toBe(200);
    expect([api.body.value.type, api.body.value.total, api.body.value.items.map((i) => i.index)]).toEqual([
      "list",
      45,
      [40, 41, 42, 43, 44],
    ]);
    expect(browser.errors()).toEqual([]);
  });

  it("keeps to the Resque namespace: other applications' keys are neither listed nor read", async () => {
    const secret = `other-app-${namespace}:session`;
    await redis.set(secret, "token-of-another-app");
    try {
      // A pattern outside the namespace is read as relative to it.
      const listed = await getJson<{ query: { match: string }; keys: { key: string }[] }>(
        web,
        `/api/keys?match=${encodeURIComponent("other-app-*")}&per=100`,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.query.match).toBe(`${namespace}:other-app-*`);
      expect(listed.body.keys).toEqual([]);
      const value = await getJson<{ value: { type: string }; outsideNamespace?: string }>(
        web,
        `/api/keys/value?key=${encodeURIComponent(secret)}`,
      );
      expect(value.body).toMatchObject({ value: { type: "none" }, outsideNamespace: `${namespace}:` });
      expect(JSON.stringify(value.body)).not.toContain("token-of-another-app");
      const { page } = browser;
      await page.goto(`${web.url}/stats/key?key=${encodeURIComponent(secret)}`);
      await page.getByText(`Only keys under the Resque namespace ${namespace}: are shown here.`).waitFor();
      expect(await page.locator("main").innerText()).not.toContain("token-of-another-app");
    } finally {
      await redis.del(secret);
    }
  });

  it("renders working, stats and a key page in dark mode in a zh-CN browser", { timeout: 120_000 }, async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/working`);
      await dark.page.locator("main tr[data-worker]").first().waitFor();
      expect(await dark.page.getByRole("heading", { level: 1 }).textContent()).toBe("执行中");
      await dark.screenshot("working-dark-zh-CN");
      await dark.page.goto(`${web.url}/stats`);
      await dark.page.locator('details[data-info-section="memory"] summary').click();
      await dark.screenshot("stats-dark-zh-CN");
      await dark.page.goto(`${web.url}/stats/keys?per=20`);
      await dark.page.locator("main tr[data-key]").first().waitFor();
      await dark.screenshot("keys-dark-zh-CN");
      await dark.page.goto(`${web.url}/stats/key?key=${encodeURIComponent(`${namespace}:kb:list`)}&per=20`);
      await dark.page.getByText("第 1–20 条，共 45 条").first().waitFor();
      await dark.screenshot("key-list-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
