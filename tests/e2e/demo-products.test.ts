/**
 * The demo's Products page against the production build: filters, sort and pages in the URL;
 * create and edit with the server's messages beside the fields (nothing written on a refusal);
 * delete selected after an inline confirmation; "Export to CSV" of the filtered rows answers at
 * once, a real worker process writes the file, the admin's notification carries the link, and
 * the downloaded CSV has the BOM, the header, the filtered rows and neutralised formula cells.
 */
import path from "node:path";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { countProducts, getExport, listExports, listNotifications } from "@/lib/db";
import { productCsvHeader } from "@/lib/export";
import { openBrowser } from "../helpers/browser";
import { useDemoStack } from "../helpers/demo-stack";
import { waitFor } from "../helpers/ns";
import { signIn } from "../helpers/web";

describe("demo products page", () => {
  const demo = useDemoStack({
    label: "e2e-demo-products",
    seed: { products: 300, users: 1 },
    env: (dir) => ({ EXPORT_DIR: path.join(dir, "export") }),
  });

  const rowIds = () =>
    demo.browser.page
      .locator("main tbody tr")
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-product"))));

  it("filters, sorts and pages with everything in the URL; a bad filter is named beside its field", async () => {
    const { page } = demo.browser;
    await page.goto(`${demo.web.url}/products`);
    await page.getByText("Showing 1–20 of 300").first().waitFor();
    await page.getByLabel("Category").selectOption("books");
    await page.getByLabel("Lowest price").fill("10");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("category") === "books" && u.searchParams.get("priceMin") === "10");
    const total = await countProducts(demo.db, { category: "books", priceMinCents: 1000 });
    expect(total).toBeGreaterThan(0);
    await page.getByText(`of ${total}`).first().waitFor();
    expect(await page.locator("main tbody tr td:nth-child(7)").allInnerTexts()).toEqual(
      Array(Math.min(20, total)).fill("Books"),
    );
    await page.getByRole("link", { name: "Price", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("sort") === "price" && u.searchParams.get("category") === "books");
    const prices = (await page.locator("main tbody tr td:nth-child(4)").allInnerTexts()).map((p) =>
      Number(p.replace(/[¥,]/g, "")),
    );
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(prices[0]).toBeGreaterThanOrEqual(10);
    await demo.browser.screenshot("demo-products-light");

    await page.goto(`${demo.web.url}/products?priceMin=abc&category=books`);
    await page.getByRole("alert").filter({ hasText: "Enter a price such as 12.50" }).waitFor();
    await page.getByText("Showing 1–20 of 300").first().waitFor();
  });

  it("creates and edits with messages beside the fields, writing nothing when refused", async () => {
    const { page } = demo.browser;
    const before = await countProducts(demo.db);
    await page.goto(`${demo.web.url}/products/new`);
    await page.getByLabel("Name").fill("x".repeat(201));
    await page.getByLabel("Price (¥)").fill("12.345");
    await page.getByLabel("Stock").fill("-1");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator('[data-error="price"]').getByText("Enter a price such as 12.50").waitFor();
    expect(await page.locator('[data-error="name"]').innerText()).toBe("The name is longer than 200 characters.");
    expect(await page.locator('[data-error="category"]').innerText()).toBe("Choose one of the categories.");
    expect(await page.locator('[data-error="stock"]').innerText()).toBe(
      "Enter the stock as a whole number from 0 to 1,000,000,000.",
    );
    await demo.browser.screenshot("demo-product-invalid-light");
    expect(await countProducts(demo.db)).toBe(before);

    await page.getByLabel("Name").fill('=HYPERLINK("http://x")');
    await page.getByLabel("Price (¥)").fill("1,299.50");
    await page.getByLabel("Category").selectOption("toys");
    await page.getByLabel("Stock").fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Created product #301" }).waitFor();
    expect(await countProducts(demo.db)).toBe(before + 1);

    await page.goto(`${demo.web.url}/products/301`);
    expect(await page.getByLabel("Price (¥)").inputValue()).toBe("1299.50");
    await page.getByLabel("Stock").fill("8");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved product #301" }).waitFor();
    expect(
      (await demo.db.selectFrom("products").select("stock").where("id", "=", 301).executeTakeFirstOrThrow()).stock,
    ).toBe(8);
    expect((await page.goto(`${demo.web.url}/products/99999`))?.status()).toBe(404);
  });

  it("deletes the selected products after confirming, naming the count", async () => {
    const { page } = demo.browser;
    await page.goto(`${demo.web.url}/products?sort=-id`);
    await page.locator('tr[data-product="300"] input[type=checkbox]').check();
    await page.locator('tr[data-product="299"] input[type=checkbox]').check();
    await page.getByRole("button", { name: "Delete selected (2)" }).click();
    await page.getByText("Delete 2 selected products? This cannot be undone.").waitFor();
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted 2 products." }).waitFor();
    expect(await demo.db.selectFrom("products").select("id").where("id", "in", [299, 300]).execute()).toEqual([]);
    await waitFor("the list redrawn", async () => !(await rowIds()).includes(300));

    // One product: the words are singular ("Delete 1 selected products?" was the bug).
    await page.locator('tr[data-product="298"] input[type=checkbox]').check();
    await page.getByRole("button", { name: "Delete selected (1)" }).click();
    await page.getByText("Delete the selected product? This cannot be undone.").waitFor();
    await page.getByRole("button", { name: "Yes, do it" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted 1 product." }).waitFor();
    await waitFor("the list redrawn", async () => !(await rowIds()).includes(298));
  });

  it("exports the filtered rows: answered at once, run by a worker, notified with the link, a correct CSV", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/products?category=toys`);
    const total = await countProducts(demo.db, { category: "toys" });
    await page.getByRole("button", { name: `Export all ${total} matching to CSV` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Export #\d+ queued/ })
      .waitFor();
    await page.getByRole("link", { name: "See its progress on the Exports page →" }).waitFor();
    const [record] = (await listExports(demo.db)).items;
    expect(record!.status).toBe("queued");
    expect(record!.selection).toEqual({ filter: { category: "toys" } });
    expect(await demo.redis.llen(`${demo.namespace}:queue:export`)).toBe(1);

    // Queued behind a paused queue, the Exports page says why it is not starting, in both languages.
    await demo.redis.set(`${demo.namespace}:pause:queue:export`, "true");
    await page.goto(`${demo.web.url}/exports`);
    await page.locator(`[data-waiting="queue-paused"]`).getByText("Waiting: the export queue is paused").waitFor();
    await demo.browser.screenshot("exports-waiting-paused");
    const zh = await openBrowser({ locale: "zh-CN", colorScheme: "dark" });
    try {
      await signIn(zh.page, demo.web);
      await zh.page.goto(`${demo.web.url}/exports`);
      await zh.page.getByRole("link", { name: "等待中：export 队列已暂停" }).waitFor();
      await zh.screenshot("exports-waiting-paused-dark-zh-CN");
    } finally {
      await zh.close();
    }
    await demo.redis.del(`${demo.namespace}:pause:queue:export`);

    demo.work({ QUEUE: "export,notification", EXPORT_DIR: path.join(demo.dir, "export") });
    const done = await waitFor(
      "the export done",
      async () => {
        const r = await getExport(demo.db, record!.id);
        return r?.status === "done" ? r : null;
      },
      60_000,
    );
    expect(done.rowsWritten).toBe(total);
    const note = await waitFor(
      "the admin notified",
      async () => (await listNotifications(demo.db, { type: "admin", id: done.adminId! })).items[0],
    );
    expect(note.message).toBe(`导出完成: ${done.file}`);
    expect(note.downloadUrl).toBe(`/uploads/export/${done.file}`);

    const res = await page.request.get(demo.web.url + note.downloadUrl);
    expect(res.status()).toBe(200);
    const bytes = await res.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = Papa.parse<string[]>(bytes.subarray(3).toString("utf8"), { skipEmptyLines: true }).data;
    // The worker runs in this machine's zone, as this test does; the header names it.
    expect(rows[0]).toEqual(productCsvHeader());
    expect(rows[0]!.slice(3)).toEqual([
      "分类",
      "状态",
      "库存",
      `创建时间 (${Intl.DateTimeFormat().resolvedOptions().timeZone})`,
      `更新时间 (${Intl.DateTimeFormat().resolvedOptions().timeZone})`,
    ]);
    expect(rows.length - 1).toBe(total);
    const formula = rows.find((r) => r[0] === "301")!;
    expect(formula[1]).toBe('\'=HYPERLINK("http://x")');
    // Category and status in words under the Chinese header, not as codes.
    expect(rows.slice(1).every((r) => r[3] === "玩具" && ["在售", "草稿", "已归档"].includes(r[4]!))).toBe(true);
    expect(demo.browser.errors()).toEqual([]);
  });

  it("renders in zh-CN dark", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, demo.web);
      await dark.page.goto(`${demo.web.url}/products?category=books&sort=-price`);
      await dark.page.locator("main tbody td", { hasText: "图书" }).first().waitFor();
      await dark.page.locator("tbody input[type=checkbox]").first().check();
      await dark.screenshot("demo-products-dark-zh-CN");
      await dark.page.goto(`${demo.web.url}/products/new`);
      await dark.page.getByRole("button", { name: "保存" }).click();
      await dark.page.locator('[data-error="name"]').getByText("请输入名称。").waitFor();
      await dark.screenshot("demo-product-invalid-dark-zh-CN");
    } finally {
      await dark.close();
    }
  });
});
