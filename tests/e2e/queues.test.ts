/**
 * The Queues pages (/queues, /queues/[name]) and GET /api/queues against the production build:
 * seeded through lib/resque, hostile args shown as text, remove one job, clear and remove a queue
 * through their confirmations, pause/resume, pagination in the URL, a queue's page following
 * Redis live (GET /api/queues/[name] polled, no reload), and a viewer whose clicks on
 * the same buttons are refused by the server actions with Redis left unchanged. Also /workers:
 * grouped by host, liveness badges, and pruning a dead worker whose job becomes a failure.
 */
import type { Frame, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { replayAction, serverAction } from "../helpers/actions";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { beat, Client, Connection, JobRegistry, registerWorker, removeQueue } from "@/lib/resque";
import { openBrowser, waitHydrated, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";
const IMG = "<img src=x onerror=alert(1)>";

/** Cell texts of the body rows of the page's first table. */
async function tableRows(page: Page): Promise<string[][]> {
  const rows = await page.locator("main table tbody tr").all();
  return Promise.all(rows.map(async (r) => (await r.locator("td").allInnerTexts()).map((t) => t.trim())));
}

describe("queues pages", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-queues");
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let viewerWeb: WebServer;
  let browser: OpenedBrowser;
  const dialogs: string[] = [];

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    const [w, v, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace }),
      startWeb({ redisUrl, namespace, account: { role: "viewer", email: "viewer@e2e.test" } }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (v.status === "fulfilled") viewerWeb = v.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, v, b]) if (r.status === "rejected") throw r.reason;
    browser.page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    await client.enqueue("mail", "SendReceipt", { note: SCRIPT });
    await client.enqueue("mail", "SendReceipt", { note: IMG });
    await client.enqueue("mail", "SendReceipt", { order: 3, long: "x".repeat(200) });
    for (let i = 1; i <= 25; i++) await client.enqueue("reports", "BuildReport", { n: i });
    for (let i = 1; i <= 4; i++) await client.enqueue("trash", "Noise", { n: i });
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([web?.stop(), viewerWeb?.stop()]);
    await dropNamespace(redis, namespace);
  });

  it("lists queues with size, a no-worker warning, links, and the same data at /api/queues", async () => {
    const { page } = browser;
    browser.clearErrors();
    const res = await page.goto(`${web.url}/queues`);
    expect(res?.status()).toBe(200);
    await page.getByRole("link", { name: "mail", exact: true }).waitFor();
    const rows = await tableRows(page);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ["mail", "3⚠ no worker"],
      ["reports", "25⚠ no worker"],
      ["trash", "4⚠ no worker"],
    ]);
    // The head job's latency, rolled up by formatDuration ("3.2 sec", "14 sec", "2 min").
    expect(rows[0]![2]).toMatch(/^\d+(\.\d)? (sec|min|hr)$/);
    await browser.screenshot("queues-list-light");
    expect(browser.errors()).toEqual([]);

    const api = await getJson<{
      queues: { name: string; size: number; paused: boolean }[];
      noWorker: string[];
      pause: { all: boolean };
    }>(web, "/api/queues");
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q) => [q.name, q.size, q.paused])).toEqual([
      ["mail", 3, false],
      ["reports", 25, false],
      ["trash", 4, false],
    ]);
    expect(api.body.noWorker).toEqual(["mail", "reports", "trash"]);
    expect(api.body.pause.all).toBe(false);
  });

  it("shows hostile args as text, never as markup, and removes one job after confirming", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/queues`);
    await page.getByRole("link", { name: "mail", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/queues/mail");
    await page.getByText("Showing 1–3 of 3").first().waitFor();
    const main = await page.locator("main").innerText();
    expect(main).toContain(`[{"note":"${SCRIPT}"}]`);
    expect(main).toContain(`[{"note":"${IMG}"}]`);
    expect(await page.locator("main img, main script").count()).toBe(0);
    expect(await page.locator('img[src="x"], [onerror]').count()).toBe(0);
    // The long args are cut, and open in place.
    const details = page.locator("main details");
    expect(await details.count()).toBe(1);
    await details.locator("summary").click();
    expect(await details.locator("pre").innerText()).toContain("x".repeat(200));
    expect(await page.getByText("SendReceipt").count()).toBe(3);
    await browser.screenshot("queue-mail-light");

    const headRaw = (await redis.lrange(`${namespace}:queue:mail`, 0, 0))[0]!;
    const headId = (JSON.parse(headRaw) as { id: string }).id;
    const row = page.locator(`tr[data-job-id="${headId}"]`);
    await row.getByRole("button", { name: "Remove" }).click();
    await row.getByText("Remove this SendReceipt job from mail?").waitFor();
    await browser.screenshot("queue-mail-confirm-remove-light");
    await row.getByRole("button", { name: "Yes, do it" }).click();
    await waitFor("the job removed", async () => (await redis.llen(`${namespace}:queue:mail`)) === 2);
    expect(await redis.lrange(`${namespace}:queue:mail`, 0, -1)).not.toContain(headRaw);
    await page.getByText("Showing 1–2 of 2").first().waitFor();
    expect(await page.locator(`tr[data-job-id="${headId}"]`).count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(browser.errors()).toEqual([]);
  });

  it("pages through a queue with the page in the URL, 20/50/100 per page, pager top and bottom", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/queues/reports`);
    expect(await page.getByText("Showing 1–20 of 25").count()).toBe(2);
    expect((await tableRows(page)).length).toBe(20);
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–25 of 25").first().waitFor();
    expect((await tableRows(page)).map((r) => r[0])).toEqual(["21", "22", "23", "24", "25"]);
    await page.getByRole("link", { name: "50", exact: true }).first().click();
    await page.waitForURL((u) => u.searchParams.get("per") === "50");
    await page.getByText("Showing 1–25 of 25").first().waitFor();
    const nf = await page.goto(`${web.url}/queues/nope`);
    expect(nf?.status()).toBe(404);
    const bad = await page.goto(`${web.url}/queues/${encodeURIComponent("a b*")}`);
    expect(bad?.status()).toBe(404);
  });

  it("answers GET /api/queues/[name] with one page of a queue, and 404 for a queue that does not exist", async () => {
    type QueueJson = {
      queue: string;
      paused: boolean;
      jobs: {
        page: number;
        perPage: number;
        total: number;
        items: { index: number; raw: string; payload: { className: string } }[];
      };
    };
    const p2 = await getJson<QueueJson>(web, "/api/queues/reports?page=2&perPage=20");
    expect(p2.status).toBe(200);
    expect(p2.body).toMatchObject({ queue: "reports", paused: false, jobs: { page: 2, perPage: 20, total: 25 } });
    expect(p2.body.jobs.items.map((j) => j.index)).toEqual([20, 21, 22, 23, 24]);
    expect(p2.body.jobs.items.map((j) => JSON.parse(j.raw).args[0].n)).toEqual([21, 22, 23, 24, 25]);
    expect(p2.body.jobs.items[0]!.payload.className).toBe("BuildReport");
    // Page sizes are the page's choices; anything else falls back to 20, garbage pages to 1.
    const fallback = await getJson<QueueJson>(web, "/api/queues/reports?page=abc&perPage=7");
    expect(fallback.body.jobs).toMatchObject({ page: 1, perPage: 20 });
    expect(fallback.body.jobs.items.length).toBe(20);
    const missing = await getJson<{ error: string }>(web, "/api/queues/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain("nope");
    expect((await getJson(web, `/api/queues/${encodeURIComponent("a b*")}`)).status).toBe(404);

    // Names are URL-encoded in links and polls; the route and the page read them decoded once.
    const odd = "报表:月%41";
    await new Client({ redis, namespace, registry: new JobRegistry([]) }).enqueue(odd, "BuildReport", { n: 1 });
    try {
      const cjk = await getJson<QueueJson>(web, `/api/queues/${encodeURIComponent(odd)}`);
      expect(cjk.status).toBe(200);
      expect(cjk.body).toMatchObject({ queue: odd, jobs: { total: 1 } });
      const res = await browser.page.goto(`${web.url}/queues/${encodeURIComponent(odd)}`);
      expect(res?.status()).toBe(200);
      await browser.page.getByText("Showing 1–1 of 1").first().waitFor();
    } finally {
      await removeQueue(conn, odd);
    }
  });

  it("updates a queue's page live, without a reload, when a job is pushed and when one is taken", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/queues/reports?page=2&per=20`);
    await page.getByText("Showing 21–25 of 25").first().waitFor();
    await page.getByText(/^Updated /).waitFor();
    // The text above is in the server's HTML; the router's own history entry (a same-document
    // navigation as Playwright counts them) is written at hydration, so count only after it.
    await waitHydrated(page);
    // A full reload or navigation would drop this marker.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    let navigations = 0;
    const onNavigated = (f: Frame) => {
      if (f === page.mainFrame()) navigations++;
    };
    page.on("framenavigated", onNavigated);
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    await client.enqueue("reports", "BuildReport", { n: 26, note: SCRIPT });
    await page.getByText("Showing 21–26 of 26").first().waitFor();
    const pushed = (await tableRows(page)).map((r) => [r[0], r[2]]);
    expect(pushed.at(-1)).toEqual(["26", `[{"n":26,"note":"${SCRIPT}"}]`]);
    await browser.screenshot("queue-reports-live-light");

    // A worker takes the head job: everything moves up one, and the page follows.
    const head = await redis.lpop(`${namespace}:queue:reports`);
    await page.getByText("Showing 21–25 of 25").first().waitFor();
    expect((await tableRows(page)).map((r) => r[2])).toEqual(
      [22, 23, 24, 25].map((n) => `[{"n":${n}}]`).concat(`[{"n":26,"note":"${SCRIPT}"}]`),
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    page.off("framenavigated", onNavigated);
    expect(navigations).toBe(0);
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");

    // Put the queue back as the tests below expect it: 25 jobs, n = 1..25.
    await redis.multi().rpop(`${namespace}:queue:reports`).lpush(`${namespace}:queue:reports`, head!).exec();
    expect(browser.errors()).toEqual([]);
  });

  it("clears a queue and removes it, each through a confirmation naming the count and the queue", async () => {
    const { page } = browser;
    await page.goto(`${web.url}/queues/trash`);
    await page.getByRole("button", { name: "Clear queue" }).click();
    const question = page.getByText("Delete all 4 jobs from trash? The queue stays registered.");
    await question.waitFor();
    expect(await redis.llen(`${namespace}:queue:trash`)).toBe(4); // asking changes nothing
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.getByText("Cleared 4 jobs from trash.").waitFor();
    expect(await redis.llen(`${namespace}:queue:trash`)).toBe(0);
    expect(await redis.sismember(`${namespace}:queues`, "trash")).toBe(1);
    await page.getByText("This queue is empty.").waitFor();

    await page.getByRole("button", { name: "Remove queue" }).click();
    await page.getByText("Remove the empty queue trash?").waitFor();
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.waitForURL((u) => u.pathname === "/queues");
    await waitFor("trash unregistered", async () => (await redis.sismember(`${namespace}:queues`, "trash")) === 0);
    await page.getByRole("link", { name: "mail", exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "trash", exact: true }).count()).toBe(0);
  });

  it("pauses a queue from the list (badge), shows the banner on its page, and resumes it there", async () => {
    const { page } = browser;
    const pauseKey = conn.keys.pauseQueue("mail");
    await page.goto(`${web.url}/queues`);
    const row = page.locator('tr[data-queue="mail"]');
    await row.getByRole("button", { name: "Pause" }).click();
    await waitFor("mail paused", async () => (await redis.exists(pauseKey)) === 1);
    await row.getByText("Paused", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Resume" }).waitFor();
    await browser.screenshot("queues-list-paused-light");

    await page.goto(`${web.url}/queues/mail`);
    const banner = page.locator('[data-banner="paused"]');
    await banner.getByText("This queue is paused").waitFor();
    await browser.screenshot("queue-mail-paused-light");
    await banner.getByRole("button", { name: "Resume" }).click();
    await waitFor("mail resumed", async () => (await redis.exists(pauseKey)) === 0);
    await page.locator('[data-banner="paused"]').waitFor({ state: "detached" });

    await page.goto(`${web.url}/queues`);
    await page.getByRole("button", { name: "Pause all workers" }).click();
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await waitFor("all paused", async () => (await redis.get(conn.keys.pauseAllWorkers)) === "true");
    await page.getByRole("button", { name: "Resume all workers" }).click();
    await waitFor("all resumed", async () => (await redis.exists(conn.keys.pauseAllWorkers)) === 0);
    expect(dialogs).toEqual([]);
  });

  it("lets a viewer see the pages, but refuses every action and changes nothing in Redis", async () => {
    const viewer = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(viewer.page, viewerWeb);
      const { page } = viewer;
      const snapshot = async () => ({
        mail: await redis.lrange(`${namespace}:queue:mail`, 0, -1),
        reports: await redis.llen(`${namespace}:queue:reports`),
        queues: (await redis.smembers(`${namespace}:queues`)).sort(),
        paused: await redis.exists(conn.keys.pauseQueue("mail")),
        all: await redis.exists(conn.keys.pauseAllWorkers),
      });
      const before = await snapshot();

      // The page offers nothing it would refuse: write buttons are drawn disabled for a viewer.
      await page.goto(`${viewerWeb.url}/queues`);
      const row = page.locator('tr[data-queue="mail"]');
      expect(await row.getByRole("button", { name: "Pause" }).isDisabled()).toBe(true);
      expect(await page.getByRole("button", { name: "Pause all workers" }).isDisabled()).toBe(true);
      await page.goto(`${viewerWeb.url}/queues/mail`);
      expect(await page.locator("main tbody tr").first().getByRole("button", { name: "Remove" }).isDisabled()).toBe(
        true,
      );
      await page.goto(`${viewerWeb.url}/queues/reports`);
      expect(await page.getByRole("button", { name: "Clear queue" }).isDisabled()).toBe(true);
      await viewer.screenshot("queue-reports-viewer-light");

      // Replayed directly, not through the UI: the server refuses every queue action.
      const file = "app/(dashboard)/queues/actions.ts";
      const mailJob = (await redis.lrange(`${namespace}:queue:mail`, 0, 0))[0]!;
      for (const [name, args] of [
        ["pauseQueueAction", ["reports"]],
        ["pauseAllWorkersAction", []],
        ["removeQueuedJobAction", ["mail", mailJob]],
        ["clearQueueAction", ["reports"]],
        ["removeQueueAction", ["mail"]],
      ] as const) {
        const replay = await replayAction(page, viewerWeb.url, serverAction(file, name), [...args]);
        expect(replay.text, name).toContain("Refused: your account is read-only.");
      }

      expect(await snapshot()).toEqual(before);
      expect(viewer.errors()).toEqual([]);
    } finally {
      await viewer.close();
    }
  });

  it("renders the list and a queue in dark mode in a zh-CN browser", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/queues`);
      await dark.page.getByRole("link", { name: "mail", exact: true }).waitFor();
      await dark.page.getByText("无工作进程").first().waitFor();
      await dark.screenshot("queues-list-dark-zh-CN");
      await dark.page.goto(`${web.url}/queues/mail`);
      await dark.page.getByText("第 1–2 条，共 2 条").first().waitFor();
      expect(await dark.page.locator("main").innerText()).toContain(IMG);
      await dark.screenshot("queue-mail-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it("flags a queue whose key is not a list: banner, badge, keyType in /api/queues, an empty page", async () => {
    // Issue 16: someone's HSET on a queue key. The list must still render, and say what is wrong.
    await redis.hset(`${namespace}:queue:broken`, "a", "b");
    await redis.sadd(`${namespace}:queues`, "broken");
    try {
      const { page } = browser;
      browser.clearErrors();
      expect((await page.goto(`${web.url}/queues`))?.status()).toBe(200);
      const banner = page.getByTestId("queue-problems");
      await banner.waitFor();
      expect(await banner.innerText()).toContain("Queues that cannot be read: 1.");
      expect(await page.locator('tr[data-queue="broken"]').innerText()).toContain("Not a list: a hash key");
      // A read of /api/queues is shared for 500 ms (app/json-route.ts), and the HSET above came from
      // outside the app, which drops shared reads only after its own actions: wait for a fresh one.
      type QueuesBody = { queues: { name: string; size: number; keyType?: string }[] };
      const api = await waitFor("/api/queues to read the broken queue", async () => {
        const r = await getJson<QueuesBody>(web, "/api/queues");
        return r.body.queues.some((q) => q.name === "broken") ? r : undefined;
      });
      expect(api.body.queues.find((q) => q.name === "broken")).toEqual(
        expect.objectContaining({ size: 0, keyType: "hash" }),
      );
      expect(api.body.queues.filter((q) => q.keyType).map((q) => q.name)).toEqual(["broken"]);
      await browser.screenshot("queues-list-wrong-type-light");
      expect((await page.goto(`${web.url}/queues/broken`))?.status()).toBe(200);
      expect(browser.errors()).toEqual([]);
    } finally {
      await redis.del(`${namespace}:queue:broken`);
      await redis.srem(`${namespace}:queues`, "broken");
    }
  });

  it("lists workers by host with liveness, and prunes a dead one (its job becomes a dirty-exit failure)", async () => {
    const alive = "web-1:100:mail";
    const dead = "batch-2:4242:reports,mail";
    // Two more slots of the same process (concurrency 3): one busy, one free.
    const [slot1, slot2] = ["web-1+1:100:mail", "web-1+2:100:mail"];
    for (const id of [alive, slot1, slot2]) await registerWorker(conn, id);
    await beat(conn, [alive, slot1, slot2]);
    await redis.set(
      conn.keys.worker(slot1),
      JSON.stringify({
        queue: "mail",
        run_at: new Date().toISOString(),
        payload: { class: "SendEmailJob", args: [{}] },
      }),
    );
    await registerWorker(conn, dead);
    await redis.hset(conn.keys.heartbeat, dead, "2020-01-01T00:00:00+00:00");
    const payload = JSON.stringify({ class: "BuildReport", args: [{ note: SCRIPT }], id: "inflight1" });
    await redis.set(
      conn.keys.worker(dead),
      JSON.stringify({ queue: "reports", run_at: "2020-01-01T00:00:05Z", payload: JSON.parse(payload) }),
    );

    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/workers`);
    await page.getByRole("heading", { name: "Host web-1" }).waitFor();
    await page.getByRole("heading", { name: "Host batch-2" }).waitFor();
    const deadRow = page.locator(`tr[data-worker="${dead}"]`);
    const aliveRow = page.locator(`tr[data-worker="${alive}"]`);
    expect((await aliveRow.locator("td").nth(1).innerText()).trim()).toBe("Alive");
    expect((await deadRow.locator("td").nth(1).innerText()).trim()).toBe("Dead");
    expect(await deadRow.innerText()).toContain("BuildReport on reports");
    expect(await aliveRow.getByRole("button", { name: "Prune" }).count()).toBe(0);
    // The slots are listed under their process, in slot order, with the busy/free count.
    expect(await page.locator('li[data-process="100"]').innerText()).toBe("Process 100: 1 of 3 slots busy, 2 free");
    const ids = await page
      .locator("tr[data-worker]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-worker")));
    expect(ids.filter((id) => id?.startsWith("web-1"))).toEqual([alive, slot1, slot2]);
    await browser.screenshot("workers-light");

    // The no-worker warning is gone for mail and reports now that workers listen on them.
    const api = await getJson<{ noWorker: string[] }>(web, "/api/queues");
    expect(api.body.noWorker).toEqual([]);

    await deadRow.getByRole("button", { name: "Prune" }).click();
    await deadRow.getByText(`Prune the dead worker ${dead}?`).waitFor();
    await deadRow.getByRole("button", { name: "Yes, do it" }).click();
    await waitFor("dead worker unregistered", async () => (await redis.sismember(conn.keys.workers, dead)) === 0);
    await waitFor("dirty-exit failure", async () => (await redis.llen(`${namespace}:failed`)) === 1);
    const failure = JSON.parse((await redis.lindex(`${namespace}:failed`, 0))!) as {
      exception: string;
      queue: string;
      payload: { id: string };
    };
    expect(failure).toMatchObject({ queue: "reports", payload: { id: "inflight1" } });
    expect(failure.exception).toMatch(/DirtyExit/);
    await page.locator(`tr[data-worker="${dead}"]`).waitFor({ state: "detached" });
    expect(await redis.sismember(conn.keys.workers, alive)).toBe(1);
    expect(dialogs).toEqual([]);
    expect(browser.errors()).toEqual([]);

    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/workers`);
      await dark.page.getByText("在线").first().waitFor();
      expect(await dark.page.locator('li[data-process="100"]').innerText()).toBe(
        "进程 100：3 个槽位中 1 个忙碌，2 个空闲",
      );
      await dark.screenshot("workers-dark-zh-CN");
      await dark.page.setViewportSize({ width: 390, height: 844 });
      await dark.screenshot("workers-dark-zh-CN-390");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
