/**
 * The Exports page and the bell against the production build: an export from the Products page
 * fails in a worker that cannot write its folder (the error shown, with a retry button), is
 * retried from the page, runs in a good worker while the page follows it by polling (no reload),
 * and ends with its download link; the admin's bell counts the 导出完成 notification and its
 * panel links the file; "mark all read" clears the count.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { countProducts, getExport, listExports } from "@/lib/db";
import { openBrowser } from "../helpers/browser";
import { useDemoStack } from "../helpers/demo-stack";
import { waitFor } from "../helpers/ns";
import { signIn } from "../helpers/web";

describe("demo exports page and bell", () => {
  const demo = useDemoStack({
    label: "e2e-demo-exports",
    seed: { products: 5000, users: 1 },
    env: (dir) => ({ EXPORT_DIR: path.join(dir, "export") }),
  });
  const work = (exportTo: string) => demo.work({ QUEUE: "export,notification", EXPORT_DIR: exportTo });
  // The folder passes `work`'s start-up check, but a file sits where its exports' temp folder goes.
  const blocked = () => path.join(demo.dir, "blocked");
  beforeAll(() => {
    mkdirSync(blocked());
    writeFileSync(path.join(blocked(), ".export-tmp"), "a file where the worker writes its temp files");
  });

  it("shows a failure with its error, retries it, follows the progress live and links the file; the bell tells the admin", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/products`);
    await page.getByRole("button", { name: "Export all 5,000 matching to CSV" }).click();
    await page.getByRole("link", { name: "See its progress on the Exports page →" }).click();
    await page.waitForURL((u) => u.pathname === "/exports");
    const id = (await listExports(demo.db)).items[0]!.id;
    const row = page.locator(`tr[data-export="${id}"]`);
    await row.getByText("Queued").waitFor();

    const bad = work(path.join(blocked(), "export"));
    await waitFor("the export failed", async () => (await getExport(demo.db, id))?.status === "failed", 60_000);
    bad.kill();
    await bad.exited;
    await row.locator("pre").waitFor();
    expect(await row.getAttribute("data-status")).toBe("failed");
    expect((await row.locator("pre").innerText()).length).toBeGreaterThan(0);
    await demo.browser.screenshot("demo-exports-failed-light");

    // The failed job is in Failed too; another export's failure (another job id) stands beside it.
    const failedKey = `${demo.namespace}:failed`;
    const failedJobId = (await getExport(demo.db, id))!.jobId!;
    const [record] = await demo.redis.lrange(failedKey, 0, -1);
    expect(JSON.parse(record!).payload.id).toBe(failedJobId);
    const otherRecord = record!.replace(failedJobId, "0".repeat(failedJobId.length));
    await demo.redis.rpush(failedKey, otherRecord);

    await row.getByRole("button", { name: "Retry" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Export #${id} queued again; its failed job left the Failed list.` })
      .waitFor();
    expect((await getExport(demo.db, id))?.status).toBe("queued");
    expect(await demo.redis.llen(`${demo.namespace}:queue:export`)).toBe(1);
    expect(await demo.redis.lrange(failedKey, 0, -1)).toEqual([otherRecord]);

    work(path.join(demo.dir, "export"));
    // The page polls: the row moves to done with its link without a reload.
    const link = row.getByRole("link", { name: /^Download export_\d{14}_\w+\.csv$/ });
    await link.waitFor({ timeout: 60_000 });
    const done = (await getExport(demo.db, id))!;
    expect(done.rowsWritten).toBe(await countProducts(demo.db));
    expect(await row.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(await row.locator("[data-rows]").innerText()).toBe("5,000 / 5,000 · 100%");
    const res = await page.request.get(demo.web.url + (await link.getAttribute("href")));
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(0, 3).toString("hex")).toBe("efbbbf");
    await demo.browser.screenshot("demo-exports-light");

    const bell = page.getByRole("button", { name: /^Notifications: 1 unread$/ });
    await bell.waitFor({ timeout: 30_000 });
    await bell.click();
    const panel = page.getByRole("dialog", { name: "Notifications" });
    await panel.getByText(`Export finished: ${done.file}`).waitFor();
    expect(await panel.getByRole("link", { name: "Download" }).getAttribute("href")).toBe(
      `/uploads/export/${done.file}`,
    );
    await demo.browser.screenshot("demo-bell-light");
    await panel.getByRole("button", { name: "Mark all read" }).click();
    await page.getByRole("button", { name: /^Notifications: 0 unread$/ }).waitFor();
    expect(demo.browser.errors()).toEqual([]);
  });

  it("renders in zh-CN dark", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, demo.web);
      await dark.page.goto(`${demo.web.url}/exports`);
      await dark.page.getByText("已完成").first().waitFor();
      await dark.page.getByRole("button", { name: "通知：0 条未读" }).click();
      await dark.page.getByText("导出完成：export_").waitFor();
      await dark.screenshot("demo-exports-dark-zh-CN");
      await dark.page.goto(`${demo.web.url}/notifications`);
      await dark.page.locator("main [data-notification]").first().waitFor();
      await dark.screenshot("demo-notifications-dark-zh-CN");
    } finally {
      await dark.close();
    }
  });
});
