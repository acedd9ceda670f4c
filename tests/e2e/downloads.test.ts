/**
 * GET /uploads/export/<file> under `next start`: an export written after the server started is
 * downloadable by signed-in admins and viewers (in Chromium, as an attachment with its name and
 * exact bytes), and refused to anonymous requests, the API token, traversal and unknown names.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAdmin } from "@/lib/auth";
import { createExport, openDb, seedDemo, type Db } from "@/lib/db";
import { runProductExport, type ProductExportResult } from "@/lib/export";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace } from "../helpers/ns";
import { signIn, startWeb, type WebServer } from "../helpers/web";

describe("export downloads", () => {
  const exportDir = mkdtempSync(path.join(os.tmpdir(), "e2e-exports-"));
  const viewer = { email: "viewer@e2e.test", password: "viewer-password-123", role: "viewer" as const };
  let web: WebServer;
  let browser: OpenedBrowser;
  let db: Db;
  let exp: ProductExportResult;
  let bytes: Buffer;

  beforeAll(async () => {
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl: inject("redisUrl"), namespace: testNamespace("e2e-dl"), env: { EXPORT_DIR: exportDir } }),
      openBrowser(),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    // The export is written after the server started, as in production.
    db = openDb(web.databasePath);
    await addAdmin(db, viewer);
    await seedDemo(db, { products: 300, users: 1 });
    const record = await createExport(db, { admin: null, selection: { filter: { category: "books" } } });
    exp = await runProductExport({
      db,
      exportId: record.id,
      selection: { filter: { category: "books" } },
      dir: exportDir,
    });
    bytes = readFileSync(exp.path);
  });
  afterAll(async () => {
    await db?.destroy();
    await browser?.close();
    await web?.stop();
    rmSync(exportDir, { recursive: true, force: true });
  });

  const url = (name: string) => `${web.url}/uploads/export/${name}`;

  it("refuses an anonymous request for a real export, and the read-only API token too", async () => {
    for (const headers of [{}, { authorization: `Bearer ${web.apiToken}` }] as Record<string, string>[]) {
      const res = await fetch(url(exp.file), { headers, redirect: "manual" });
      expect(res.status).toBe(401);
      const body = await res.text();
      expect(body).not.toContain("名称");
      expect(res.headers.get("content-disposition")).toBeNull();
    }
  });

  it("a signed-in admin downloads the export in Chromium: attachment, its name, the exact bytes", async () => {
    await signIn(browser.page, web);
    const [download] = await Promise.all([
      browser.page.waitForEvent("download"),
      browser.page.evaluate((href) => {
        const a = document.createElement("a");
        a.href = href;
        document.body.append(a);
        a.click();
      }, `/uploads/export/${exp.file}`),
    ]);
    expect(download.suggestedFilename()).toBe(exp.file);
    const got = readFileSync((await download.path())!);
    expect(got.equals(bytes)).toBe(true);
    expect(got.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(got.toString("utf8")).toMatch(/^\uFEFFID,名称,价格,/);
  });

  it("refuses traversal, encoded slashes, absolute paths and other names, and answers 404 for an unknown export", async () => {
    const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const get = (name: string) => fetch(url(name), { headers: { cookie }, redirect: "manual" });
    expect((await get(exp.file)).status, "the session works").toBe(200);
    const hostile = [
      "..%2Fapp.db",
      "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "%2Fetc%2Fpasswd",
      "%5C..%5Capp.db",
      `${exp.file}%2F..%2F..%2Fapp.db`,
      "%2E%2E",
      "%252e%252e%252fapp.db",
      `${exp.file}%00.txt`,
      exp.file.toUpperCase(),
      exp.file.replace(".csv", ".CSV"),
      "export_1_abc.csv",
      `.${exp.file}`,
    ];
    for (const name of hostile) {
      const res = await get(name);
      // Next itself answers `/uploads/export/%2E%2E` with a redirect to the normalised /uploads.
      expect([400, 404, 308], name).toContain(res.status);
      if (res.status === 308) expect(new URL(res.headers.get("location")!, web.url).pathname, name).toBe("/uploads");
      const body = await res.text();
      expect(body, name).not.toMatch(/名称|root:|SQLite format/);
    }
    const unknown = await get("export_20990101000000_0123456789ab.csv");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/No such export/);
  });

  it("a viewer may download too", async () => {
    await browser.context.clearCookies();
    await signIn(browser.page, web, viewer);
    const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(url(exp.file), { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${exp.file}"`);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
