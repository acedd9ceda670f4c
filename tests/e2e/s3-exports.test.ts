/**
 * Exports in an S3 bucket, the whole story against the production build: a real S3-compatible
 * server (s3rver, its own process) and the real AWS SDK in both `next start` and `work`. An
 * admin's export from the Products page is uploaded by the worker, linked on the Exports page
 * and downloaded in Chromium with the object's exact bytes; anonymous requests and bad names are
 * refused before the bucket is asked; `exports prune` deletes the expired export's object; and
 * a web server whose bucket is missing stops at start with one line.
 */
import { sql } from "kysely";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getExport, listExports } from "@/lib/db";
import { useDemoStack } from "../helpers/demo-stack";
import { alive, cliEnv } from "../helpers/processes";
import { runCliInProcess } from "../helpers/cli";
import { testNamespace, waitFor } from "../helpers/ns";
import { startS3Server, type S3Server } from "../helpers/s3-server";
import { startWeb } from "../helpers/web";

describe("exports in S3", () => {
  let s3: S3Server;
  const BUCKET = "shop-exports";
  const storage = `s3://${BUCKET}/csv`;
  // Before the stack's own beforeAll (hooks run in order): its web server needs the bucket.
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket(BUCKET);
  });
  const demo = useDemoStack({
    label: "e2e-s3-exports",
    seed: { products: 3000, users: 1 },
    env: () => s3.env(storage),
  });
  afterAll(async () => {
    await demo.stop?.();
    await s3?.stop();
  });

  let file = "";
  const url = (name: string) => `${demo.web.url}/uploads/export/${name}`;

  it("an admin's export goes to the bucket, complete, and downloads in Chromium with the object's bytes", async () => {
    const { page } = demo.browser;
    demo.browser.clearErrors();
    await page.goto(`${demo.web.url}/products`);
    await page.getByRole("button", { name: "Export all 3,000 matching to CSV" }).click();
    await page.getByRole("link", { name: "See its progress on the Exports page →" }).click();
    await page.waitForURL((u) => u.pathname === "/exports");
    const id = (await listExports(demo.db)).items[0]!.id;
    demo.work({ QUEUE: "export,notification", ...s3.env(storage) });
    const link = page
      .locator(`tr[data-export="${id}"]`)
      .getByRole("link", { name: /^Download export_\d{14}_\w+\.csv$/ });
    await link.waitFor({ timeout: 60_000 });
    const done = (await getExport(demo.db, id))!;
    file = done.file!;
    expect(await s3.keys(BUCKET)).toEqual([`csv/${file}`]);
    const object = await s3.get(BUCKET, `csv/${file}`);
    expect(object.length).toBe(done.sizeBytes);

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(file);
    const got = readFileSync((await download.path())!);
    expect(got.equals(object)).toBe(true);
    expect(got.toString("utf8")).toMatch(/^\uFEFFID,名称,价格,/);
    expect(got.toString("utf8").trimEnd().split("\n")).toHaveLength(3001);
    expect(demo.browser.errors()).toEqual([]);
  });

  it("refuses anonymous requests and bad names without asking the bucket; an unknown name is a 404", async () => {
    for (const headers of [{}, { authorization: `Bearer ${demo.web.apiToken}` }] as Record<string, string>[]) {
      const res = await fetch(url(file), { headers, redirect: "manual" });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain("名称");
    }
    const cookie = (await demo.browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const get = (name: string) => fetch(url(name), { headers: { cookie }, redirect: "manual" });
    const asked = s3.requests();
    for (const bad of ["export_1.csv", "..%2Fcsv%2Fx.csv", encodeURIComponent(`csv/${file}`), `${file}.part`]) {
      const res = await get(bad);
      expect([400, 404], bad).toContain(res.status);
      expect(await res.text()).not.toContain("名称");
    }
    expect(s3.requests(), "no bad name reached the bucket").toBe(asked);
    expect((await get(file.replace(/_[0-9a-f]{12}\.csv$/, "_000000000000.csv"))).status).toBe(404);
    const ok = await get(file);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toBe(`attachment; filename="${file}"`);
    expect(ok.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await ok.arrayBuffer()).equals(await s3.get(BUCKET, `csv/${file}`))).toBe(true);
  });

  it("`exports prune` removes the expired export's record and its object; the link then answers 404", async () => {
    // Eight days old by its record: past the default seven.
    await sql`update exports set created_at = created_at - ${8 * 86_400_000}`.execute(demo.db);
    const r = await runCliInProcess(
      ["exports", "prune"],
      cliEnv(inject("redisUrl"), demo.namespace, { DATABASE_URL: demo.web.databasePath, ...s3.env(storage) }),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `Removed 1 export record(s), 1 file(s) and 0 temp file(s) older than 7 day(s) from ${storage}/.\n`,
    );
    expect(await s3.keys(BUCKET)).toEqual([]);
    const cookie = (await demo.browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    expect((await fetch(url(file), { headers: { cookie } })).status).toBe(404);
  });

  it("a web server whose bucket is missing stops at start with one line", async () => {
    // Next runs instrumentation's check beside its first answers, so the server may answer once
    // (startWeb's probe) before it exits.
    const web = await startWeb({
      redisUrl: inject("redisUrl"),
      namespace: testNamespace("e2e-s3-bad"),
      env: s3.env("s3://no-such-bucket/csv"),
    }).catch((e: Error) => e);
    const line = `Export storage unusable: export storage s3://no-such-bucket/csv/: bucket no-such-bucket does not exist at ${s3.endpoint}`;
    if (web instanceof Error) expect(web.message).toContain(line);
    else {
      try {
        await waitFor("the server gone", () => !alive(web.pid), 60_000);
        expect(web.output()).toContain(line);
      } finally {
        await web.stop();
      }
    }
    expect(await s3.buckets()).toEqual([BUCKET]);
  });
});
