/**
 * The Alerts page and the alerts' way to the admins, against the production build: an admin
 * adds, edits, disables and enables rules (each change audited, bad input answered beside its
 * field); a viewer reads the rules and can change nothing; with no scheduler at all, the
 * "scheduler without a leader" rule is fired by the web servers — two of them, sharing one
 * database, so it must still fire once — and the bell shows it in English and Chinese; a real
 * scheduler process then leads and clears it, once. Then both web servers and two scheduler
 * processes evaluate together, the conditions made for real (a worker running a failing job, a
 * queue left to age, a queue nobody serves, then a worker that drains them and the failure
 * counter's reset): each rule fires once and clears once, one notification per admin and one
 * e-mail per transition, whichever process evaluated. Screenshots: en/zh, light/dark, 1280/390 px.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAdmin } from "@/lib/auth";
import { createAlertRule, getAlertRule, listAlertRules, openDb, type AlertRule, type Db } from "@/lib/db";
import { parseEml } from "@/lib/mail-outbox";
import { Client, makeKeys } from "@/lib/resque";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { dropNamespace, testNamespace, testRedis, waitFor } from "../helpers/ns";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { signIn, startWeb, type Account, type WebServer } from "../helpers/web";

describe("alerts page", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-alerts");
  const k = makeKeys(namespace);
  const mailDir = mkdtempSync(path.join(os.tmpdir(), "e2e-alerts-outbox-"));
  // Fast evaluation; LOCK_TIMEOUT as the scheduler process below gets it.
  const alertEnv = { ALERT_INTERVAL_SEC: "0.5", LOCK_TIMEOUT: "2", OUTBOX_DIR: mailDir, SMTP_URL: undefined };
  let redis: Redis;
  let web: WebServer;
  let web2: WebServer;
  let db: Db;
  let admin: OpenedBrowser;
  let scheduler: Running | undefined;
  const others: Running[] = [];
  const viewer: Account = { email: "viewer@e2e.test", password: "viewer-password-1", role: "viewer" };
  const admin2: Account = { email: "second@e2e.test", password: "second-password-1", role: "admin" };

  const rules = async (): Promise<Record<string, AlertRule>> =>
    Object.fromEntries((await listAlertRules(db)).map((r) => [r.name, r]));
  const form = () => admin.page.locator("[data-rule-form]");
  const fieldError = async (name: string) => {
    const id = await form().locator(`[name="${name}"]`).getAttribute("aria-describedby");
    return (await admin.page.locator(`[id="${id}"]`).innerText()).trim();
  };

  beforeAll(async () => {
    redis = testRedis();
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, env: alertEnv }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") admin = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    // A second web server on the same database: both evaluate the rules.
    web2 = await startWeb({
      redisUrl,
      namespace,
      account: false,
      env: { ...alertEnv, DATABASE_URL: web.databasePath },
    });
    db = openDb(web.databasePath);
    await addAdmin(db, viewer);
    await addAdmin(db, admin2);
    await signIn(admin.page, web);
  });

  afterAll(async () => {
    scheduler?.kill("SIGKILL");
    for (const p of others) p.kill("SIGKILL");
    await admin?.close();
    await db?.destroy();
    await web2?.stop();
    await web?.stop();
    await dropNamespace(redis, namespace);
    rmSync(mailDir, { recursive: true, force: true });
  });

  it("an admin adds, edits, disables and enables rules; bad input is answered beside its field; every change is audited", async () => {
    const { page } = admin;
    admin.clearErrors();
    expect((await page.goto(`${web.url}/alerts`))?.status()).toBe(200);
    expect(await page.getByRole("link", { name: "Alerts" }).getAttribute("aria-current")).toBe("page");
    await page.getByText("No alert rules yet.").waitFor();

    // Bad input: nothing written; the first problem is said beside its field, then the next one.
    const add = () => form().getByRole("button", { name: "Add rule" }).click();
    await form().locator('[name="name"]').fill("   ");
    await form().locator('[name="threshold"]').fill("1.5");
    await form().locator('[name="windowMin"]').fill("0");
    await add();
    await waitFor("name message", async () => (await fieldError("name")) === "Enter a name of 1 to 100 characters.");
    expect(await form().locator('[name="name"]').getAttribute("aria-invalid")).toBe("true");
    await form().locator('[name="name"]').fill("Failures");
    await add();
    await waitFor(
      "threshold message",
      async () => (await fieldError("threshold")) === "Enter a whole number from 0 to 1000000000.",
    );
    expect(await fieldError("name")).toBe("");
    await form().locator('[name="threshold"]').fill("5");
    await add();
    await waitFor(
      "window message",
      async () => (await fieldError("windowMin")) === "Enter a whole number of minutes from 1 to 1440.",
    );
    expect(await listAlertRules(db)).toEqual([]);

    // A failures rule, then the no-leader rule (the form shows only the fields a kind reads).
    await form().locator('[name="windowMin"]').fill("10");
    await add();
    await page.locator('tr[data-rule="Failures"]').waitFor();
    await form().locator('[name="kind"]').selectOption("scheduler_no_leader");
    expect(await form().locator('[name="threshold"]').count()).toBe(0);
    await form().locator('[name="name"]').fill("Leaderless");
    await add();
    await page.locator('tr[data-rule="Leaderless"]').waitFor();

    // Edit: the form takes the rule, Save changes it.
    await page.locator('tr[data-rule="Failures"]').getByRole("button", { name: "Edit" }).click();
    await form().getByText("Edit rule Failures").waitFor();
    await form().locator('[name="threshold"]').fill("7");
    await form().getByRole("button", { name: "Save rule" }).click();
    await page.getByText("more than 7 failures in 10 min").waitFor();
    expect((await rules()).Failures).toMatchObject({ kind: "failures", threshold: 7, windowMin: 10, enabled: true });

    // Disable, then enable again.
    await page.locator('tr[data-rule="Failures"]').getByRole("button", { name: "Disable" }).click();
    await page.locator('tr[data-rule="Failures"] [data-state="disabled"]').waitFor();
    expect((await rules()).Failures!.enabled).toBe(false);
    await admin.screenshot("alerts-en-light");
    await page.locator('tr[data-rule="Failures"]').getByRole("button", { name: "Enable" }).click();
    await page.locator('tr[data-rule="Failures"] [data-state="ok"]').waitFor();

    const audit = await db
      .selectFrom("audit_log")
      .select(["action", "target", "result", "actor_email"])
      .where("action", "like", "alert.%")
      .orderBy("id")
      .execute();
    expect(audit).toEqual(
      [
        ["alert.create", "Failures"],
        ["alert.create", "Leaderless"],
        ["alert.update", "Failures"],
        ["alert.disable", "Failures"],
        ["alert.enable", "Failures"],
      ].map(([action, target]) => ({ action, target, result: "ok", actor_email: "admin@e2e.test" })),
    );
    expect(admin.errors()).toEqual([]);
  });

  it("with no scheduler, two web servers fire the no-leader rule once; the bell shows it; a scheduler clears it once", async () => {
    const { page } = admin;
    const leaderless = (await rules()).Leaderless!;
    await waitFor("the no-leader rule firing", async () => (await rules()).Leaderless!.state === "firing", 30_000, 100);
    await page.goto(`${web.url}/alerts`);
    await page.locator('tr[data-rule="Leaderless"] [data-state="firing"]').waitFor();
    await page.locator("[data-unread]").waitFor();
    expect(await page.locator("[data-unread]").innerText()).toBe("1");
    await page.getByRole("button", { name: /notification/i }).click();
    const fired = 'Alert "Leaderless": the scheduler has no leader, and none has ever run.';
    await page.getByRole("dialog").getByText(fired).waitFor();
    await admin.screenshot("alerts-bell-en-light");

    // The same notification in Chinese, dark, and the page at phone width.
    const zh = await openBrowser({ locale: "zh-CN", colorScheme: "dark" });
    try {
      await signIn(zh.page, web);
      await zh.page.goto(`${web.url}/alerts`);
      await zh.page.locator('tr[data-rule="Leaderless"] [data-state="firing"]').getByText("告警中").waitFor();
      await zh.page.locator("[data-unread]").click();
      await zh.page.getByRole("dialog").getByText("告警“Leaderless”：调度器没有 Leader，且从未运行过。").waitFor();
      await zh.screenshot("alerts-bell-zh-dark");
      await zh.page.setViewportSize({ width: 390, height: 844 });
      await zh.page.goto(`${web.url}/alerts`);
      await zh.page.getByRole("heading", { name: "告警" }).waitFor();
      await zh.screenshot("alerts-zh-dark-390");
    } finally {
      await zh.close();
    }

    // A real scheduler process leads: the rule clears, once.
    scheduler = startCli(
      ["scheduler"],
      cliEnv(redisUrl, namespace, { ...alertEnv, SMTP_URL: "", DATABASE_URL: web.databasePath }),
    );
    await waitFor(
      "the no-leader rule cleared",
      async () => {
        const r = (await rules()).Leaderless!;
        return r.state === "ok" && r.stateSeq === 2; // created at 0, fired at 1
      },
      60_000,
      100,
    );
    // Several more evaluations (the failures rule samples on each), which must change nothing.
    const samples = await redis.zcard(k.alertFailedSamples);
    await waitFor("three more evaluations", async () => (await redis.zcard(k.alertFailedSamples)) >= samples + 3);
    expect((await rules()).Leaderless!.stateSeq).toBe(2);

    const notes = await db
      .selectFrom("notifications")
      .innerJoin("admins", "admins.id", "notifications.recipient_id")
      .select(["admins.email", "notifications.message_key"])
      .where("notifications.job_id", "like", `alert:${leaderless.id}:%`)
      .orderBy("notifications.id")
      .execute();
    expect(notes.map((n) => `${n.email} ${n.message_key}`).sort()).toEqual([
      "admin@e2e.test alerts.notify.cleared",
      "admin@e2e.test alerts.notify.scheduler_never",
      "second@e2e.test alerts.notify.cleared",
      "second@e2e.test alerts.notify.scheduler_never",
    ]);
    expect(readdirSync(mailDir).filter((n) => n.endsWith(".eml"))).toHaveLength(2);
    const logs = [web.output(), web2.output(), scheduler.output()].join("");
    expect(logs.match(/\(Leaderless\) fired: /g)).toHaveLength(1);
    expect(logs.match(/\(Leaderless\) cleared: /g)).toHaveLength(1);
  });

  it("two web servers and two schedulers: failures, queue age and queue without a worker each fire once and clear once", async () => {
    // Four evaluators share one database and one outbox: both web servers (started above) and two
    // scheduler processes. Each transition must still reach each admin once and send one e-mail.
    const dbUrl = web.databasePath;
    const env = (extra: Record<string, string> = {}) =>
      cliEnv(redisUrl, namespace, { ...alertEnv, SMTP_URL: "", DATABASE_URL: dbUrl, ...extra });
    scheduler ??= startCli(["scheduler"], env());
    const scheduler2 = startCli(["scheduler"], env());
    others.push(scheduler2);
    const made = {
      burst: await createAlertRule(db, { name: "Burst", kind: "failures", queue: "", threshold: 2, windowMin: 5 }),
      aged: await createAlertRule(db, { name: "Aged", kind: "queue_age", queue: "aged", threshold: 1, windowMin: 0 }),
      orphan: await createAlertRule(db, {
        name: "Orphan",
        kind: "queue_no_worker",
        queue: "orphan",
        threshold: 0,
        windowMin: 0,
      }),
    };
    const moving = Object.values(made);
    const states = async () => Promise.all(moving.map(async (r) => (await getAlertRule(db, r.id))!));

    const client = new Client({ redis, namespace });
    await client.enqueue("aged", "RecordJob", { n: 1 });
    await client.enqueue("orphan", "RecordJob", { n: 2 });
    for (let i = 0; i < 3; i++) await client.enqueue("boom", "FailJob", { why: `alert ${i}` });
    // Workers never lead the scheduler here (SCHEDULER=0): the two scheduler processes do.
    others.push(startCli(["work"], env({ QUEUE: "boom", SCHEDULER: "0" })));
    await waitFor(
      "all three rules firing",
      async () => (await states()).every((r) => r.state === "firing"),
      60_000,
      100,
    );

    // Cleared by a worker that drains both queues and by the failure counter's reset (Resque::Stat.clear).
    others.push(startCli(["work"], env({ QUEUE: "aged,orphan", SCHEDULER: "0" })));
    await redis.del(k.statFailed);
    await waitFor(
      "all three rules back to ok",
      async () => (await states()).every((r) => r.state === "ok" && r.stateSeq === 2),
      60_000,
      100,
    );
    // Several more evaluations by every process, which must change nothing.
    const samples = await redis.zcard(k.alertFailedSamples);
    await waitFor("six more evaluations", async () => (await redis.zcard(k.alertFailedSamples)) >= samples + 6);
    for (const r of await states()) expect(r.stateSeq, r.name).toBe(2);

    // One bell notification per admin per transition, none for the viewer.
    const admins = await db.selectFrom("admins").select(["id", "email", "role"]).orderBy("id").execute();
    const notes = await db.selectFrom("notifications").selectAll().orderBy("id").execute();
    for (const r of moving) {
      for (const a of admins) {
        const mine = notes.filter((n) => n.recipient_id === a.id && n.job_id?.startsWith(`alert:${r.id}:`));
        const expected = a.role === "admin" ? [`alert:${r.id}:1:${a.id}`, `alert:${r.id}:2:${a.id}`] : [];
        expect(
          mine.map((n) => n.job_id),
          `${r.name} ${a.email}`,
        ).toEqual(expected);
        if (a.role !== "admin") continue;
        expect(mine[0]!.message_key).toBe(`alerts.notify.${r.kind}`);
        expect(mine[0]!.message).toContain(r.name);
        expect(mine[1]!.message_key).toBe("alerts.notify.cleared");
      }
    }
    const burstNote = notes.find((n) => n.job_id === `alert:${made.burst.id}:1:${admins[0]!.id}`)!;
    expect(JSON.parse(burstNote.message_vars!)).toMatchObject({ count: 3, window: 5, threshold: 2 });

    // One e-mail per transition, to every admin, whichever process made it.
    const mails = readdirSync(mailDir)
      .filter((n) => n.endsWith(".eml"))
      .map((n) => parseEml(readFileSync(path.join(mailDir, n), "utf8")).headers);
    const adminList = admins.filter((a) => a.role === "admin").map((a) => a.email);
    for (const r of moving) {
      for (const subject of [`[Resque Admin] Alert fired: ${r.name}`, `[Resque Admin] Alert cleared: ${r.name}`]) {
        const sent = mails.filter((m) => m.subject === subject);
        expect(sent.map((m) => m.to)).toEqual([adminList.join(", ")]);
      }
    }
    const logs = [web.output(), web2.output(), scheduler.output(), scheduler2.output()].join("");
    for (const r of moving) {
      expect(logs.split(`(${r.name}) fired: `), r.name).toHaveLength(2);
      expect(logs.split(`(${r.name}) cleared: `), r.name).toHaveLength(2);
    }
  });

  it("a viewer reads the rules and their state but finds every control disabled", async () => {
    const b = await openBrowser({ colorScheme: "dark", viewport: { width: 1280, height: 900 } });
    try {
      await signIn(b.page, web, viewer);
      await b.page.goto(`${web.url}/alerts`);
      await b.page.getByText("Only admins can change the rules.").waitFor();
      expect(await b.page.locator("[data-rule-form]").count()).toBe(0);
      const row = b.page.locator('tr[data-rule="Failures"]');
      for (const name of ["Edit", "Disable", "Remove"])
        expect(await row.getByRole("button", { name }).isDisabled(), name).toBe(true);
      await b.screenshot("alerts-viewer-en-dark");
    } finally {
      await b.close();
    }
  });
});
