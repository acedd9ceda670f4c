/**
 * GET /uploads/export/<file> under `next start`, with exports in the default folder,
 * public/uploads/export (which `next start` would serve to anyone): a file present when the
 * server started and an export written after are both downloadable by signed-in admins and
 * viewers only (in Chromium, as an attachment with its name and exact bytes), and refused to
 * anonymous requests, the API token, traversal and unknown names.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAdmin } from "@/lib/auth";
import { createExport, openDb, seedDemo, type Db } from "@/lib/db";
import { runProductExport, type ProductExportResult } from "@/lib/export";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace } from "../helpers/ns";
import { signIn, startWeb, type WebServer } from "../helpers/web";

describe("export downloads", () => {
  const exportDir = path.resolve(import.meta.dirname, "..", "..", "public", "uploads", "export");
  /** Placed before `next start`: a file Next would otherwise serve statically. */
  const atStart = {
    file: `export_20260101000000_${randomBytes(6).toString("hex")}.csv`,
    bytes: Buffer.from("\uFEFFID,名称\n1,present at start\n"),
  };
  const viewer = { email: "viewer@e2e.test", password: "viewer-password-123", role: "viewer" as const };
  let web: WebServer;
  let browser: OpenedBrowser;
  let db: Db;
  let exp: ProductExportResult;
  let bytes: Buffer;

  beforeAll(async () => {
    mkdirSync(exportDir, { recursive: true });
    writeFileSync(path.join(exportDir, atStart.file), atStart.bytes);
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl: inject("redisUrl"), namespace: testNamespace("e2e-dl"), env: { EXPORT_DIR: undefined } }),
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
    // Only this file's own exports: the folder is the repository's.
    for (const file of [atStart.file, exp?.file]) if (file) rmSync(path.join(exportDir, file), { force: true });
  });

  const url = (name: string) => `${web.url}/uploads/export/${name}`;

  it("refuses an anonymous request for a real export, present at start or written later, and the read-only API token too", async () => {
    expect(exp.path).toBe(path.join(exportDir, exp.file));
    for (const file of [atStart.file, exp.file]) {
      for (const headers of [
        {},
        { authorization: `Bearer ${web.apiToken}` },
        { cookie: "resque_admin_session=forged.cookie" },
      ] as Record<string, string>[]) {
        const res = await fetch(url(file), { headers, redirect: "manual" });
        expect(res.status, file).toBe(401);
        const body = await res.text();
        expect(body).not.toContain("名称");
        expect(res.headers.get("content-disposition")).toBeNull();
      }
    }
    // Nothing else under /uploads is served either (the exporter's temporary folder included).
    for (const rest of ["/uploads/export/.gitkeep", "/uploads/.export-tmp/x.csv", "/uploads"]) {
      expect((await fetch(web.url + rest, { redirect: "manual" })).status, rest).toBe(401);
    }
  });

  it("a signed-in admin downloads the export in Chromium: attachment, its name, the exact bytes", async () => {
    await signIn(browser.page, web);
    await browser.page.goto(`${web.url}/exports`); // the page its links are on
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

  it("a file that was in public/uploads/export when the server started is the signed-in account's, as an attachment", async () => {
    // Signed in by the test above.
    const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(url(atStart.file), { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${atStart.file}"`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await res.arrayBuffer()).equals(atStart.bytes)).toBe(true);
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
