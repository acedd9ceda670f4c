/**
 * The Failed pages (/failed, /failed?view=groups, /failed/[id]) and GET /api/failed* against the
 * production build: a job failing in the real worker shows up live, is retried from the page and
 * succeeds while the counters move; php, Ruby and node-resque records render, filter and group;
 * retry/remove selected, retry all matching a filter, clear all; a stale id is skipped and said
 * so; hostile args and messages stay text; bad action input changes nothing.
 */
import type { Page } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  appendRawField,
  buildFailureRecord,
  Client,
  Connection,
  encodePayload,
  JobRegistry,
  listFailed,
} from "@/lib/resque";
import { replayAction, serverAction } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { loadEntries, loadRuby, seedRaw } from "../helpers/fixtures";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const SCRIPT = "<script>alert(1)</script>";
const IMG = "<img src=x onerror=alert(2)>";
const ACTIONS = "app/(dashboard)/failed/actions.ts";

const php = loadEntries("php-resque");
const node = loadEntries("node-resque");
const rb = loadRuby();
/** Records three implementations wrote, oldest first. */
const FOREIGN = [
  php["v1.3.6/failed_exception"]!.raw,
  php["v1.3.6/failed_dirty_exit"]!.raw,
  php["develop/failed_exception"]!.raw,
  php["develop/failed_dirty_exit"]!.raw,
  node.failed_error!.raw,
  node.retry_exhausted_failed_record!.raw,
  node.force_clean_failed_record!.raw,
  rb.failed_record!,
  rb.failed_record_retried!,
  rb.failed_record_local_zone!,
];

/** Body rows of the failures table: [class+badges, exception+message, queue, worker, failed at]. */
async function rows(page: Page): Promise<string[][]> {
  const trs = await page.locator("main tr[data-failed-id]").all();
  return Promise.all(trs.map(async (r) => (await r.locator("td").allInnerTexts()).slice(1, 6).map((t) => t.trim())));
}

const counter = async (page: Page, name: "processed" | "failed" | "list") =>
  Number((await page.locator(`[data-counter="${name}"]`).innerText()).replace(/,/g, ""));

describe("failed pages", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-failed");
  const failedKey = `${namespace}:failed`;
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let browser: OpenedBrowser;
  let worker: Running | undefined;
  const dialogs: string[] = [];

  /** A failure record as our worker writes it, appended to the failed list. */
  async function seedFailure(queue: string, cls: string, args: unknown, error = `${cls} failed`, exception = "Error") {
    const raw = buildFailureRecord({
      payloadRaw: encodePayload(cls, [args]),
      exception,
      error,
      backtrace: [`at ${cls}.perform (/srv/app/jobs/${cls}.js:10:5)`, "at Worker.run (/srv/app/worker.js:1:1)"],
      worker: `web-1:100:${queue}`,
      queue,
    });
    await redis.rpush(failedKey, raw);
    return raw;
  }

  async function seedForeign() {
    for (const raw of FOREIGN) await seedRaw(redis, namespace, { key: "resque:failed", type: "list", raw });
  }

  /** Empties the failed list and the queues; the worker's keys and the counters stay. */
  async function reset() {
    const queues = await redis.keys(`${namespace}:queue:*`);
    await redis.del(failedKey, `${namespace}:queues`, ...queues);
  }

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    browser.page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    worker?.kill("SIGTERM");
    if (worker) await worker.exited;
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("shows a job failing in the real worker live, retries it from the page, and the counters move without a reload", async () => {
    const { page } = browser;
    browser.clearErrors();
    worker = startCli(["work"], cliEnv(redisUrl, namespace, { QUEUE: "flaky" }));
    await waitFor("the worker registered", async () => (await redis.scard(`${namespace}:workers`)) > 0, 60_000);

    await page.goto(`${web.url}/failed`);
    await page.getByText("No failed jobs.").waitFor();
    const processed0 = await counter(page, "processed");
    const failed0 = await counter(page, "failed");
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    await client.enqueue("flaky", "FlakyJob", { flag: "f1" });
    const row = page.locator("main tr[data-failed-id]", { hasText: "FlakyJob" });
    await row.waitFor();
    expect(await row.innerText()).toContain("flag f1 is not set yet");
    expect(await row.innerText()).toContain("flaky");
    await expect.poll(() => counter(page, "failed")).toBe(failed0 + 1);
    await expect.poll(() => counter(page, "list")).toBe(1);
    const processed1 = await counter(page, "processed");
    await browser.screenshot("failed-live-light");

    // Fix the cause, then retry from the row's details.
    await redis.set(`${namespace}:test:flag:f1`, "1");
    await row.getByRole("button", { name: "Details" }).click();
    const details = page.locator("main tr[data-failed-details]");
    await details.getByRole("button", { name: "Retry", exact: true }).click();
    await details.getByText("Retry this FlakyJob job on flaky?").waitFor();
    expect(await redis.llen(failedKey)).toBe(1); // asking changes nothing
    await details.getByRole("button", { name: "Yes, do it" }).click();
    await page.locator("[data-row-result]").getByText("1 job retried.").waitFor();
    await waitFor("the retried job ran", async () => (await redis.sismember(`${namespace}:test:done`, "f1")) === 1);
    expect(await redis.llen(failedKey)).toBe(0);
    await page.getByText("No failed jobs.").waitFor();
    await expect.poll(() => counter(page, "processed"), { timeout: 30_000 }).toBeGreaterThan(processed1);
    expect(processed1).toBeGreaterThanOrEqual(processed0);
    expect(await counter(page, "failed")).toBe(failed0 + 1); // the lifetime counter keeps the failure
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(browser.errors()).toEqual([]);
  });

  it("renders php, Ruby and node-resque records; filters by queue, class, exception and text in the URL", async () => {
    await reset();
    await seedForeign();
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/failed`);
    await page.getByText("Showing 1–10 of 10").first().waitFor();
    const all = await rows(page);
    // Newest first: the last record seeded is on top.
    expect(all.map((r) => r[0]!.split("\n")[0])).toEqual([
      "RubyInterop::FailJob",
      "RubyInterop::FailJob",
      "RubyInterop::FailJob",
      "stuckJob",
      "retryJob",
      "failJob",
      "Interop_ExitJob",
      "Interop_FailJob",
      "Interop_ExitJob",
      "Interop_FailJob",
    ]);
    expect(all[1]![0]).toMatch(
      /^RubyInterop::FailJob\nRetried \d+ (seconds?|minutes?|hours?|days?|months?|years?) ago$/,
    ); // Ruby's record with retried_at
    expect(all[0]![4]).toBe("2026/11/29 09:45:02 CST (time zone not known)"); // US Central or China: not guessed
    expect(all[5]![1]).toBe("Error\nboom: a/b ü");
    expect(all[6]![1]).toBe("Resque\\Exceptions\\DirtyExitException\nJob exited with exit code 3");
    expect(all[9]).toEqual([
      "Interop_FailJob",
      "Exception\ninterop failure",
      "default",
      "vm:13211:critical,default",
      expect.stringMatching(/ago · 2026-11-29 01:39:58 UTC$/),
    ]);
    expect(all[4]![4]).toMatch(/2026-11-29 01:43:0\d UTC$/); // node's Date#toString()
    await browser.screenshot("failed-list-light");

    // The form pushes the filter into the URL; the page and the poll follow it.
    const form = page.getByRole("search");
    await form.locator('input[name="class"]').fill("RubyInterop::FailJob");
    await form.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("class") === "RubyInterop::FailJob");
    await page.getByText("Showing 1–3 of 3").first().waitFor();
    await form.locator('input[name="queue"]').fill("ruby_tz");
    await form.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("queue") === "ruby_tz");
    await page.getByText("Showing 1–1 of 1").first().waitFor();
    expect((await rows(page))[0]![2]).toBe("ruby_tz");
    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.waitForURL((u) => u.search === "");
    await page.getByText("Showing 1–10 of 10").first().waitFor();

    await page.goto(`${web.url}/failed?exception=${encodeURIComponent("Resque_Job_DirtyExitException")}`);
    await page.getByText("Showing 1–1 of 1").first().waitFor();
    expect(await page.getByRole("search").locator('input[name="exception"]').inputValue()).toBe(
      "Resque_Job_DirtyExitException",
    );
    // Text search reads php's `\/` as `/`, as a person types it.
    await page.goto(`${web.url}/failed?q=${encodeURIComponent("/srv/app/worker.php(58)")}`);
    await page.getByText("Showing 1–4 of 4").first().waitFor();
    await page.goto(`${web.url}/failed?q=${encodeURIComponent("nothing like this")}`);
    await page.getByText("No failure matches these filters.").waitFor();

    // The JSON routes take the page's parameters.
    const api = await getJson<{
      page: number;
      perPage: number;
      total: number;
      items: { id: string; queue: string; payload: { className: string } }[];
      stats: { processed: number };
    }>(web, "/api/failed?page=1&perPage=20&class=Interop_FailJob");
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ page: 1, perPage: 20, total: 2 });
    expect(api.body.items.map((i) => i.payload.className)).toEqual(["Interop_FailJob", "Interop_FailJob"]);
    expect(typeof api.body.stats.processed).toBe("number");
    const plain = await getJson<{ total: number; items: unknown[] }>(web, "/api/failed?page=1&perPage=20");
    expect([plain.body.total, plain.body.items.length]).toEqual([10, 10]);
    const one = await getJson<{ item: { id: string; exception: string } }>(web, `/api/failed/${api.body.items[0]!.id}`);
    expect(one.status).toBe(200);
    expect(one.body.item).toMatchObject({ id: api.body.items[0]!.id, exception: "Exception" });
    const gone = await getJson<{ error: string }>(web, "/api/failed/3-0000000000000000");
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatch(/gone/);
    expect(browser.errors()).toEqual([]);
  });

  it("groups by class and exception with counts, and a group's link applies that filter", async () => {
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/failed`);
    await page.getByRole("link", { name: "Grouped by class and exception" }).click();
    await page.waitForURL((u) => u.searchParams.get("view") === "groups");
    const table = page.locator("main table");
    await table.waitFor();
    const groups = await Promise.all(
      (await table.locator("tbody tr").all()).map(async (r) => (await r.locator("td").allInnerTexts()).slice(0, 3)),
    );
    expect(groups).toEqual([
      ["RubyInterop::FailJob", "RuntimeError", "3"],
      ["Interop_FailJob", "Exception", "2"],
      ["failJob", "Error", "1"],
      ["Interop_ExitJob", "Resque_Job_DirtyExitException", "1"],
      ["Interop_ExitJob", "Resque\\Exceptions\\DirtyExitException", "1"],
      ["retryJob", "Error", "1"],
      ["stuckJob", "Worker Timeout (killed manually)", "1"],
    ]);
    await browser.screenshot("failed-groups-light");
    const api = await getJson<{ groups: { className: string; exception: string; count: number }[]; total: number }>(
      web,
      "/api/failed/groups?queue=default",
    );
    expect(api.status).toBe(200);
    expect(api.body.total).toBe(6); // four php records and two node-resque ones

    await table.locator("tbody tr").nth(1).getByRole("link", { name: "Show these 2" }).click();
    await page.waitForURL(
      (u) =>
        u.searchParams.get("class") === "Interop_FailJob" &&
        u.searchParams.get("exception") === "Exception" &&
        !u.searchParams.has("view"),
    );
    await page.getByText("Showing 1–2 of 2").first().waitFor();
    expect((await rows(page)).map((r) => r[0]!.split("\n")[0])).toEqual(["Interop_FailJob", "Interop_FailJob"]);
    expect(browser.errors()).toEqual([]);
  });

  it("shows one failure at its own URL: message, collapsed backtrace, payload; a gone id links back", async () => {
    const { page } = browser;
    browser.clearErrors();
    const php136 = (await listFailed(conn, { perPage: 100 })).items.find((i) => i.raw === FOREIGN[0])!;
    await page.goto(`${web.url}/failed/${php136.id}`);
    await page.getByRole("heading", { name: "Interop_FailJob" }).waitFor();
    const main = page.locator("main");
    expect(await main.locator("[data-message]").innerText()).toBe("interop failure");
    const bt = main.locator("[data-backtrace]");
    expect((await bt.innerText()).split("\n")).toHaveLength(5);
    await main.getByRole("button", { name: "Show all 6 frames" }).click();
    expect((await bt.innerText()).split("\n")).toEqual([
      "#0 /srv/app/vendor/resque/php-resque/lib/Resque/Job.php(201): Interop_FailJob->perform()",
      "#1 /srv/app/vendor/resque/php-resque/lib/Resque/Worker.php(303): Resque_Job->perform()",
      "#2 /srv/app/vendor/resque/php-resque/lib/Resque/Worker.php(242): Resque_Worker->perform()",
      "#3 /srv/app/worker.php(58): Resque_Worker->work()",
      "#4 /srv/app/worker.php(62): interop_run_worker()",
      "#5 {main}",
    ]);
    expect(JSON.parse(await main.locator("[data-args]").innerText())).toEqual([{ why: "demo" }]);
    const text = await main.innerText();
    expect(text).toContain("528bc12b2dbc674f8a93983cfa64c472");
    expect(text).toContain("vm:13211:critical,default");
    expect(text).toContain("2026-11-29T01:39:58+00:00");
    await browser.screenshot("failed-detail-light");

    // Removing it from its own page: the answer stays, the page says it is gone.
    await main.getByRole("button", { name: "Remove" }).click();
    await main.getByText("Remove this Interop_FailJob failure? This cannot be undone.").waitFor();
    await main.getByRole("button", { name: "Yes, do it" }).click();
    await main.getByText("1 failure removed.").waitFor();
    await main.getByText("This failure is gone").waitFor();
    expect(await redis.lrange(failedKey, 0, -1)).not.toContain(FOREIGN[0]);

    const res = await page.goto(`${web.url}/failed/${php136.id}`);
    expect(res?.status()).toBe(200);
    await page.getByText("This failure is gone").waitFor();
    await page.getByRole("link", { name: "All failed jobs" }).click();
    await page.waitForURL((u) => u.pathname === "/failed");
    await page.goto(`${web.url}/failed/not-an-id`);
    await page.getByText("This failure is gone").waitFor();
    expect(browser.errors()).toEqual([]);
  });

  it("retries and removes the selected failures, and reports a selected one that changed as skipped", async () => {
    await reset();
    const a = await seedFailure("email", "SendEmail", { to: "a@x.test" });
    const b = await seedFailure("email", "SendEmail", { to: "b@x.test" });
    const c = await seedFailure("reports", "BuildReport", { n: 1 });
    const d = await seedFailure("reports", "BuildReport", { n: 2 });
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/failed`);
    await page.getByText("Showing 1–4 of 4").first().waitFor();
    const ids = (await listFailed(conn)).items.map((i) => i.id); // newest first: d, c, b, a
    const pick = (id: string) => page.locator(`tr[data-failed-id="${id}"] input[type="checkbox"]`).check();

    // Retry selected: both email failures go back to their queue, the records go.
    await pick(ids[2]!);
    await pick(ids[3]!);
    await page.locator("[data-selected]").getByText("2 selected").waitFor();
    const bulk = page.locator("[data-bulk]");
    await bulk.getByRole("button", { name: "Retry selected" }).click();
    await bulk.getByText("Retry the 2 selected failed jobs?").waitFor();
    await browser.screenshot("failed-confirm-retry-selected-light");
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("2 jobs retried.").waitFor();
    const argsOf = (raw: string) => (JSON.parse(raw) as { args: unknown[] }).args;
    const payloadArgs = (record: string) => (JSON.parse(record) as { payload: { args: unknown[] } }).payload.args;
    expect((await redis.lrange(`${namespace}:queue:email`, 0, -1)).map(argsOf)).toEqual([
      payloadArgs(a),
      payloadArgs(b),
    ]);
    expect(await redis.lrange(failedKey, 0, -1)).toEqual([c, d]);
    await page.getByText("Showing 1–2 of 2").first().waitFor();
    expect(await page.locator("[data-selected]").innerText()).toBe("0 selected");

    // Remove selected, with one record changed after the page was drawn (live updates paused).
    await page.getByRole("button", { name: /Pause updates/ }).click();
    const [idD, idC] = (await listFailed(conn)).items.map((i) => i.id);
    await pick(idD!);
    await pick(idC!);
    await redis.lset(failedKey, 0, appendRawField(c, "retried_at", '"2026/11/29 02:00:00 UTC"'));
    await bulk.getByRole("button", { name: "Remove selected" }).click();
    await bulk.getByText("Remove the 2 selected failures? This cannot be undone.").waitFor();
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("1 failure removed, 1 skipped: it changed since the page was drawn.").waitFor();
    expect(await redis.lrange(failedKey, 0, -1)).toEqual([
      appendRawField(c, "retried_at", '"2026/11/29 02:00:00 UTC"'),
    ]);
    await page.getByText("Showing 1–1 of 1").first().waitFor();
    await page.getByRole("button", { name: /Resume updates/ }).click();
    expect(dialogs).toEqual([]);
    expect(browser.errors()).toEqual([]);
  });

  it("retries all failures matching a filter (only those move, records kept on request) and clears all after confirming", async () => {
    await reset();
    for (let i = 1; i <= 3; i++) await seedFailure("email", "SendEmail", { n: i });
    for (let i = 1; i <= 2; i++) await seedFailure("reports", "BuildReport", { n: i });
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/failed?queue=email`);
    await page.getByText("Showing 1–3 of 3").first().waitFor();
    const bulk = page.locator("[data-bulk]");
    await bulk.getByRole("checkbox", { name: "Keep the failure record after retrying" }).check();
    await bulk.getByRole("button", { name: "Retry all 3 matching" }).click();
    await bulk.getByText("Retry 3 failed jobs from email? The failure records stay, marked retried.").waitFor();
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("3 jobs retried, their failure records kept.").waitFor();
    expect(await redis.llen(`${namespace}:queue:email`)).toBe(3);
    expect(await redis.exists(`${namespace}:queue:reports`)).toBe(0);
    expect(await redis.llen(failedKey)).toBe(5);
    await expect.poll(async () => page.locator('main [data-badge="retried"]').count()).toBe(3);

    // The class filter names the class in the question; remove-all-matching is red and permanent.
    await page.goto(`${web.url}/failed?class=BuildReport`);
    await page.getByText("Showing 1–2 of 2").first().waitFor();
    await bulk.getByRole("button", { name: "Remove all 2 matching" }).click();
    await bulk.getByText("Remove 2 failed BuildReport jobs? This cannot be undone.").waitFor();
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("2 failures removed.").waitFor();
    expect(await redis.llen(failedKey)).toBe(3);

    await page.goto(`${web.url}/failed`);
    await page.getByText("Showing 1–3 of 3").first().waitFor();
    await bulk.getByRole("button", { name: "Clear all" }).click();
    await bulk.getByText("Delete all 3 failures in failed? This cannot be undone.").waitFor();
    expect(await redis.llen(failedKey)).toBe(3);
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("Cleared failed: 3 failures removed.").waitFor();
    expect(await redis.exists(failedKey)).toBe(0);
    await page.getByText("No failed jobs.").waitFor();
    expect(browser.errors()).toEqual([]);
  });

  it("pages through failures with the page and page size in the URL", async () => {
    await reset();
    for (let i = 1; i <= 25; i++) await seedFailure("bulk", "Numbered", { n: i });
    const { page } = browser;
    await page.goto(`${web.url}/failed`);
    expect(await page.getByText("Showing 1–20 of 25").count()).toBe(2);
    expect(await page.locator("main tr[data-failed-id]").count()).toBe(20);
    await page.getByRole("link", { name: "Next →" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–25 of 25").first().waitFor();
    await page.getByRole("link", { name: "50", exact: true }).first().click();
    await page.waitForURL((u) => u.searchParams.get("per") === "50" && !u.searchParams.has("page"));
    await page.getByText("Showing 1–25 of 25").first().waitFor();
  });

  it("offers Ruby's multi-queue failure lists in a picker only when there is more than one, and acts on the one picked", async () => {
    await reset();
    await seedFailure("email", "SendEmail", { n: 1 });
    const { page } = browser;
    await page.goto(`${web.url}/failed`);
    await page.getByText("Showing 1–1 of 1").first().waitFor();
    expect(await page.getByLabel("Failure list").count()).toBe(0);

    const record = buildFailureRecord({
      payloadRaw: encodePayload("BuildReport", [{ n: 9 }]),
      exception: "Error",
      error: "in the multi-queue list",
      backtrace: [],
      worker: "h:1:reports",
      queue: "reports",
    });
    await redis.sadd(`${namespace}:failed_queues`, "reports_failed");
    await redis.rpush(`${namespace}:reports_failed`, record);
    await page.reload();
    await page.getByLabel("Failure list").selectOption("reports_failed");
    await page.waitForURL((u) => u.searchParams.get("list") === "reports_failed");
    const row = page.locator("main tr[data-failed-id]");
    await row.getByText("in the multi-queue list").waitFor();
    expect(await row.count()).toBe(1);
    const api = await getJson<{ list: string; total: number; lists: { name: string; size: number }[] }>(
      web,
      "/api/failed?list=reports_failed",
    );
    expect(api.body).toMatchObject({
      list: "reports_failed",
      total: 1,
      lists: [
        { name: "failed", size: 1 },
        { name: "reports_failed", size: 1 },
      ],
    });
    expect((await getJson<{ list: string }>(web, "/api/failed?list=queue:email")).body.list).toBe("failed");

    const bulk = page.locator("[data-bulk]");
    await bulk.getByRole("button", { name: "Retry the 1 failure" }).click();
    await bulk.getByRole("button", { name: "Yes, do it" }).click();
    await bulk.getByText("1 job retried.").waitFor();
    const queued = await redis.lrange(`${namespace}:queue:reports`, 0, -1);
    expect(queued.map((p) => JSON.parse(p) as unknown)).toEqual([
      expect.objectContaining({ class: "BuildReport", args: [{ n: 9 }] }),
    ]);
    expect(await redis.llen(`${namespace}:reports_failed`)).toBe(0);
    expect(await redis.llen(failedKey)).toBe(1); // the other list is untouched
    await redis.del(`${namespace}:failed_queues`);
  });

  it("renders hostile args, messages and backtraces as text in the list, its details and the detail page", async () => {
    await reset();
    const raw = await seedFailure("hostile", "Evil", { note: SCRIPT, img: IMG }, `boom ${SCRIPT} ${IMG}`, `Bad${IMG}`);
    const { page } = browser;
    browser.clearErrors();
    await page.goto(`${web.url}/failed`);
    const row = page.locator("main tr[data-failed-id]");
    await row.waitFor();
    expect(await row.innerText()).toContain(`boom ${SCRIPT} ${IMG}`);
    await row.getByRole("button", { name: "Details" }).click();
    const args = page.locator("main tr[data-failed-details] [data-args]");
    expect(JSON.parse(await args.innerText())).toEqual([{ note: SCRIPT, img: IMG }]);
    expect(await page.locator("main script, main img").count()).toBe(0);
    expect(await page.locator('img[src="x"], [onerror]').count()).toBe(0);
    const id = (await listFailed(conn)).items[0]!.id;
    expect((await listFailed(conn)).items[0]!.raw).toBe(raw);
    await page.goto(`${web.url}/failed/${id}`);
    await page.locator("main [data-message]").getByText(`boom ${SCRIPT} ${IMG}`).waitFor();
    expect(await page.locator("main").innerText()).toContain(`Bad${IMG}`);
    expect(await page.locator("main script, main img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(browser.errors()).toEqual([]);
  });

  it("refuses malformed action input with a message and changes nothing", async () => {
    const { page } = browser;
    const before = await redis.lrange(failedKey, 0, -1);
    const id = (await listFailed(conn)).items[0]!.id;
    const cases: [string, unknown[], RegExp][] = [
      ["retryFailedAction", [[]], /choose between 1 and 1,000/],
      ["retryFailedAction", [["7"]], /choose between 1 and 1,000/],
      ["removeFailedAction", [Array.from({ length: 1001 }, () => id)], /choose between 1 and 1,000/],
      ["removeFailedAction", [[id], { list: "queue:hostile" }], /not a failure list/],
      ["retryAllFailedAction", [{ queue: "x".repeat(201) }], /filter is not valid/],
      ["removeAllFailedAction", [{ nope: "1" }], /filter is not valid/],
      ["removeAllFailedAction", ["everything"], /filter is not valid/],
    ];
    for (const [name, args, expected] of cases) {
      const replay = await replayAction(page, web.url, serverAction(ACTIONS, name), args);
      expect(replay.text, name).toMatch(expected);
    }
    expect(await redis.lrange(failedKey, 0, -1)).toEqual(before);
  });

  it("lets a viewer read the pages but refuses every failed-list action, changing nothing", async () => {
    const viewerWeb = await startWeb({ redisUrl, namespace, account: { role: "viewer", email: "viewer@e2e.test" } });
    const viewer = await openBrowser({ colorScheme: "light" });
    try {
      await reset();
      await seedFailure("email", "SendEmail", { n: 1 });
      const before = await redis.lrange(failedKey, 0, -1);
      const id = (await listFailed(conn)).items[0]!.id;
      await signIn(viewer.page, viewerWeb);
      const { page } = viewer;
      await page.goto(`${viewerWeb.url}/failed`);
      await page.locator(`tr[data-failed-id="${id}"] input[type="checkbox"]`).check();
      const bulk = page.locator("[data-bulk]");
      for (const name of ["Retry selected", "Remove selected", "Retry the 1 failure", "Clear all"])
        expect(await bulk.getByRole("button", { name }).isDisabled(), name).toBe(true);
      await page.goto(`${viewerWeb.url}/failed/${id}`);
      expect(await page.getByRole("button", { name: "Retry", exact: true }).isDisabled()).toBe(true);
      expect(await page.getByRole("button", { name: "Remove" }).isDisabled()).toBe(true);
      for (const [name, args] of [
        ["retryFailedAction", [[id]]],
        ["removeFailedAction", [[id]]],
        ["retryAllFailedAction", [{}]],
        ["removeAllFailedAction", [{ queue: "email" }]],
        ["clearFailedAction", [{}]],
        ["clearRetriedFailedAction", [{}]],
      ] as const) {
        const replay = await replayAction(page, viewerWeb.url, serverAction(ACTIONS, name), [...args]);
        expect(replay.text, name).toContain("Refused: your account is read-only.");
      }
      expect(await redis.lrange(failedKey, 0, -1)).toEqual(before);
      expect(await redis.exists(`${namespace}:queue:email`)).toBe(0);
      expect(viewer.errors()).toEqual([]);
    } finally {
      await viewer.close();
      await viewerWeb.stop();
    }
  });

  it("renders the list, the grouped view and a failure in dark mode in a zh-CN browser", async () => {
    await reset();
    await seedForeign();
    await seedFailure("hostile", "Evil", { note: SCRIPT }, `boom ${IMG}`);
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/failed`);
      await dark.page.getByText("第 1–11 条，共 11 条").first().waitFor();
      await dark.page.getByRole("button", { name: "详情" }).first().click();
      await dark.page.locator("main tr[data-failed-details] [data-backtrace]").waitFor();
      await dark.screenshot("failed-list-dark-zh-CN");
      await dark.page.goto(`${web.url}/failed?view=groups`);
      await dark.page.getByRole("link", { name: "查看这 3 条" }).waitFor();
      await dark.screenshot("failed-groups-dark-zh-CN");
      const retried = (await listFailed(conn, { filter: { text: "retried_at" } })).items[0]!;
      await dark.page.goto(`${web.url}/failed/${retried.id}`);
      await dark.page
        .locator('main [data-badge="retried"]')
        .getByText(/前已重试$/)
        .waitFor();
      await dark.page.getByText("重试时间").waitFor();
      await dark.screenshot("failed-detail-dark-zh-CN");
      await dark.page.getByRole("button", { name: "重试", exact: true }).click();
      await dark.page.getByText("将这个 RubyInterop::FailJob 任务重新放回 ruby_interop 队列？").waitFor();
      await dark.page.getByRole("button", { name: "取消" }).click();
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
