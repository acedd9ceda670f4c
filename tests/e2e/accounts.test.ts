/**
 * The Accounts page against the production build and its real SQLite file: bad input answered
 * beside the field with nothing written, adding a viewer who can read but finds every write
 * control disabled, a generated password shown once, role changes and password resets that take
 * effect on the account's next request, removal that ends its session at once, and the
 * last-admin and remove-yourself protections drawn as disabled buttons with their reasons.
 */
import type { Page } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, JobRegistry } from "@/lib/resque";
import { verifyPassword } from "@/lib/auth";
import { findAdminByEmail, openDb, type Db } from "@/lib/db";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, waitFor, dropNamespace } from "../helpers/ns";
import { signIn, signInWithForm, startWeb, type Account, type WebServer } from "../helpers/web";

/** The add form, and the message tied to one of its fields through aria-describedby. */
function addForm(page: Page) {
  const form = page.locator("form", { has: page.locator('input[name="email"]') });
  const fieldError = async (name: "email" | "password") => {
    const id = await form.locator(`[name="${name}"]`).getAttribute("aria-describedby");
    return (await page.locator(`[id="${id}"]`).innerText()).trim();
  };
  return { form, fieldError };
}

describe("accounts page", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-accounts");
  let redis: Redis;
  let web: WebServer;
  let db: Db;
  let admin: OpenedBrowser;
  const viewer: Account = { email: "viewer@e2e.test", password: "viewer-password-1", role: "viewer" };

  const countAccounts = async () => (await db.selectFrom("admins").select("email").execute()).length;
  const sessionsOf = async (email: string) =>
    (
      await db
        .selectFrom("sessions")
        .innerJoin("admins", "admins.id", "sessions.admin_id")
        .select("sessions.id")
        .where("admins.email", "=", email)
        .execute()
    ).length;

  beforeAll(async () => {
    redis = testRedis();
    const [w, b] = await Promise.allSettled([startWeb({ redisUrl, namespace }), openBrowser({ colorScheme: "light" })]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") admin = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    db = openDb(web.databasePath);
    await new Client({ redis, namespace, registry: new JobRegistry([]) }).enqueue("mail", "SendReceipt", { n: 1 });
    // Through the form: the list's "last sign-in" is the form's, checked below.
    await signInWithForm(admin.page, web);
  });

  afterAll(async () => {
    await admin?.close();
    await db?.destroy();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("lists accounts with their role, creation and last sign-in, and marks your own", async () => {
    const { page } = admin;
    admin.clearErrors();
    const res = await page.goto(`${web.url}/accounts`);
    expect(res?.status()).toBe(200);
    const row = page.locator('tr[data-account="admin@e2e.test"]');
    expect(await row.locator("td").nth(0).innerText()).toMatch(/admin@e2e\.test\s*you/);
    expect(await row.locator("[data-role]").innerText()).toBe("admin");
    expect(await row.locator("td").nth(3).innerText()).toMatch(/(ago|just now)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await page.getByText("Showing 1–1 of 1").waitFor();
    expect(admin.errors()).toEqual([]);
  });

  it("answers bad input beside the field and adds nothing", async () => {
    const { page } = admin;
    const { form, fieldError } = addForm(page);
    await page.goto(`${web.url}/accounts`);
    const before = await countAccounts();

    await form.locator('[name="email"]').fill("not-an-email");
    await form.locator('[name="password"]').fill("long-enough-password");
    await form.getByRole("button", { name: "Add account" }).click();
    await waitFor(
      "email message",
      async () => (await fieldError("email")) === '"not-an-email" is not an email address.',
    );
    expect(await form.locator('[name="email"]').getAttribute("aria-invalid")).toBe("true");

    await form.locator('[name="email"]').fill("someone@e2e.test");
    await form.locator('[name="password"]').fill("short");
    await form.getByRole("button", { name: "Add account" }).click();
    await waitFor(
      "password message",
      async () => (await fieldError("password")) === "The password must be at least 10 characters long.",
    );
    expect(await fieldError("email")).toBe("");

    await form.locator('[name="email"]').fill("ADMIN@e2e.test");
    await form.locator('[name="password"]').fill("long-enough-password");
    await form.getByRole("button", { name: "Add account" }).click();
    await waitFor(
      "duplicate message",
      async () => (await fieldError("email")) === "An account with the email admin@e2e.test already exists.",
    );
    await admin.screenshot("accounts-bad-input-light");
    expect(await countAccounts()).toBe(before);
  });

  it("adds a viewer, who can read every page but finds every write control disabled", async () => {
    const { page } = admin;
    const { form } = addForm(page);
    await page.goto(`${web.url}/accounts`);
    await form.locator('[name="email"]').fill(viewer.email);
    await form.locator('[name="role"]').selectOption("viewer");
    await form.locator('[name="password"]').fill(viewer.password);
    await form.getByRole("button", { name: "Add account" }).click();
    await page.getByText("Account viewer@e2e.test added as viewer (read-only).").waitFor();
    await page.locator('tr[data-account="viewer@e2e.test"]').waitFor();
    expect(await page.locator('tr[data-account="viewer@e2e.test"] [data-role]').innerText()).toBe("viewer (read-only)");
    expect((await findAdminByEmail(db, viewer.email))?.role).toBe("viewer");

    const v = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(v.page, web, viewer);
      await v.page.goto(`${web.url}/accounts`);
      await v.page.locator('tr[data-account="admin@e2e.test"]').waitFor();
      expect(await v.page.getByRole("button", { name: "Add account" }).isDisabled()).toBe(true);
      expect(await v.page.locator('input[name="email"]').isDisabled()).toBe(true);
      for (const name of ["Make viewer", "Make admin", "Reset password", "Remove"]) {
        const buttons = await v.page.locator("main tbody").getByRole("button", { name, exact: true }).all();
        for (const b of buttons) expect(await b.isDisabled(), name).toBe(true);
      }
      await v.screenshot("accounts-viewer-light");
      await v.page.goto(`${web.url}/queues`);
      expect(await v.page.locator('tr[data-queue="mail"]').getByRole("button", { name: "Pause" }).isDisabled()).toBe(
        true,
      );
      expect((await v.page.goto(`${web.url}/audit`))?.status()).toBe(200);
      expect(v.errors()).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it("adds an account with a generated password, shown once", async () => {
    const { page } = admin;
    const { form } = addForm(page);
    await page.goto(`${web.url}/accounts`);
    await form.locator('[name="email"]').fill("gen@e2e.test");
    await form.locator('[name="role"]').selectOption("admin");
    await form.locator('[name="password"]').fill("typed-then-generated");
    await form.getByLabel("Generate a password (shown once)").check();
    // Read-only, empty, and saying why, while the server is to generate it.
    const box = form.locator('[name="password"]');
    expect([await box.isEditable(), await box.inputValue(), await box.getAttribute("placeholder")]).toEqual([
      false,
      "",
      "Generated when you save",
    ]);
    await form.getByRole("button", { name: "Add account" }).click();
    const shown = page.locator("[data-generated-password]");
    await shown.waitFor();
    const password = (await shown.innerText()).trim();
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    await admin.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web.url });
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByRole("button", { name: "Copied", exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
    await page.getByText("The password for gen@e2e.test (shown only this once, copy it now):").waitFor();
    await admin.screenshot("accounts-generated-password-light");
    const stored = await findAdminByEmail(db, "gen@e2e.test");
    expect(stored?.role).toBe("admin");
    expect(await verifyPassword(stored!.passwordHash, password)).toBe(true);
    // Only the hash is kept: the audit row carries the message, never the password.
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "account.add")
      .where("target", "=", "gen@e2e.test")
      .execute();
    expect(audit.map((r) => r.result)).toEqual(["ok"]);
    expect(JSON.stringify(audit)).not.toContain(password);
    await page.reload();
    await page.locator('tr[data-account="gen@e2e.test"]').waitFor();
    expect(await page.locator("[data-generated-password]").count()).toBe(0);
  });

  it("changes a role, and a password reset signs the account out; both apply on its next request", async () => {
    const { page } = admin;
    const v = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(v.page, web, viewer);
      const row = page.locator('tr[data-account="viewer@e2e.test"]');
      await page.goto(`${web.url}/accounts`);
      // The question floats under its button: the buttons beside it stay where they were, and it
      // stays inside the page.
      // Measured in the page, not the viewport: focusing "Yes" may scroll the question into view.
      const removeAt = () =>
        row.getByRole("button", { name: "Remove" }).evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
        });
      const before = await removeAt();
      await row.getByRole("button", { name: "Make admin" }).click();
      await row.getByText("Make viewer@e2e.test an admin? They will be able to change everything.").waitFor();
      expect(await removeAt()).toEqual(before);
      const question = (await row.locator("[data-confirm]").boundingBox())!;
      expect(question.x + question.width).toBeLessThanOrEqual(1280);
      await admin.screenshot("accounts-confirm-floats-light");
      await row.getByRole("button", { name: "Yes, do it" }).click();
      await row.getByText("viewer@e2e.test is now admin.").waitFor();
      expect((await findAdminByEmail(db, viewer.email))?.role).toBe("admin");
      await v.page.goto(`${web.url}/queues`);
      expect(await v.page.locator('tr[data-queue="mail"]').getByRole("button", { name: "Pause" }).isEnabled()).toBe(
        true,
      );

      await row.getByRole("button", { name: "Make viewer" }).click();
      await row.getByRole("button", { name: "Yes, do it" }).click();
      await row.getByText("viewer@e2e.test is now viewer (read-only).").waitFor();
      await v.page.goto(`${web.url}/queues`);
      expect(await v.page.locator('tr[data-queue="mail"]').getByRole("button", { name: "Pause" }).isDisabled()).toBe(
        true,
      );

      expect(await sessionsOf(viewer.email)).toBeGreaterThan(0);
      await row.getByRole("button", { name: "Reset password" }).click();
      await row.locator('input[name="password"]').fill("short");
      await row.getByRole("button", { name: "Set password" }).click();
      await row.getByText("The password must be at least 10 characters long.").waitFor();
      viewer.password = "new-viewer-password-2";
      await row.locator('input[name="password"]').fill(viewer.password);
      await row.getByRole("button", { name: "Set password" }).click();
      await row.getByText("Password of viewer@e2e.test reset; their other sessions were ended.").waitFor();
      expect(await sessionsOf(viewer.email)).toBe(0);
      await v.page.goto(`${web.url}/queues`);
      expect(new URL(v.page.url()).pathname).toBe("/sign-in");
      await signIn(v.page, web, viewer);
    } finally {
      await v.close();
    }
  });

  it("removes an account after naming it, and its open session ends at once", async () => {
    const { page } = admin;
    const v = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(v.page, web, viewer);
      await v.page.goto(`${web.url}/accounts`);
      expect(await sessionsOf(viewer.email)).toBeGreaterThan(0);

      await page.goto(`${web.url}/accounts`);
      const row = page.locator('tr[data-account="viewer@e2e.test"]');
      await row.getByRole("button", { name: "Remove" }).click();
      await row.getByText("Remove the account viewer@e2e.test? They are signed out at once.").waitFor();
      await admin.screenshot("accounts-confirm-remove-light");
      expect(await findAdminByEmail(db, viewer.email)).not.toBeNull(); // asking changes nothing
      await row.getByRole("button", { name: "Yes, do it" }).click();
      await page
        .locator("[data-notice]")
        .getByText("Account viewer@e2e.test removed and signed out everywhere.")
        .waitFor();
      await row.waitFor({ state: "detached" });
      expect(await findAdminByEmail(db, viewer.email)).toBeNull();
      expect(await sessionsOf(viewer.email)).toBe(0);

      await v.page.reload();
      expect(new URL(v.page.url()).pathname).toBe("/sign-in");
    } finally {
      await v.close();
    }
  });

  it("draws demoting the last admin and removing yourself disabled, with the reason", async () => {
    const { page } = admin;
    await page.goto(`${web.url}/accounts`);
    const me = page.locator('tr[data-account="admin@e2e.test"]');
    const demote = me.getByRole("button", { name: "Make viewer" });
    // Two admins: either may be made a viewer. Yourself: never removable.
    expect(await demote.isEnabled()).toBe(true);
    expect(await me.getByRole("button", { name: "Remove" }).isDisabled()).toBe(true);
    await me.getByText("You cannot remove your own account: another admin has to.").waitFor();

    const gen = page.locator('tr[data-account="gen@e2e.test"]');
    await gen.getByRole("button", { name: "Make viewer" }).click();
    await gen.getByRole("button", { name: "Yes, do it" }).click();
    await gen.getByText("gen@e2e.test is now viewer (read-only).").waitFor();

    // Now the last admin: the refresh after the change draws its demotion refused, and why.
    await waitFor("demotion disabled", () => demote.isDisabled());
    await me.getByText("The last admin cannot be made a viewer: make another account an admin first.").waitFor();
    expect(await demote.getAttribute("title")).toBe(
      "The last admin cannot be made a viewer: make another account an admin first.",
    );
    expect((await findAdminByEmail(db, "admin@e2e.test"))?.role).toBe("admin");
    await admin.screenshot("accounts-protected-light");

    const results = await db
      .selectFrom("audit_log")
      .select(["action", "target", "result"])
      .where("action", "like", "account.%")
      .orderBy("id")
      .execute();
    expect(results.at(-1)).toEqual({ action: "account.set_role", target: "gen@e2e.test", result: "ok" });
  });

  it("renders in a zh-CN browser in dark mode, field messages included", async () => {
    const dark = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(dark.page, web);
      await dark.page.goto(`${web.url}/accounts`);
      const { form, fieldError } = addForm(dark.page);
      await form.locator('[name="email"]').fill("bad");
      await form.locator('[name="password"]').fill("long-enough-password");
      await form.getByRole("button", { name: "添加账号" }).click();
      await waitFor("zh email message", async () => (await fieldError("email")) === "“bad”不是有效的邮箱地址。");
      await dark.page.getByText("最后一个管理员不能设为只读：请先把另一个账号设为管理员。").waitFor();
      await dark.page.getByText("不能删除自己的账号：需由另一位管理员操作。").waitFor();
      await dark.page.locator('tr[data-account="gen@e2e.test"]').getByRole("button", { name: "重置密码" }).click();
      await dark.screenshot("accounts-dark-zh-CN");
      expect(dark.errors()).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
