/**
 * Alert rules (docs/monitoring.md#alerts) evaluated by two real scheduler processes against one
 * database and one outbox, the conditions made for real: failures by a real worker running a
 * failing job, a queue left to age and a queue with nobody serving it; cleared by a worker that
 * drains them and by the failure counter's reset. Each rule must fire once and clear once: one
 * notification per admin (none for the viewer) and one e-mail per transition, whichever process
 * evaluated. The "scheduler without a leader" rule must stay quiet while they lead; its firing
 * (with no scheduler at all, evaluated by two web servers) is in tests/e2e/alerts.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  createAdmin,
  createAlertRule,
  getAlertRule,
  migrate,
  openDb,
  transitionAlertRule,
  type AlertRule,
  type Db,
} from "@/lib/db";
import { parseEml } from "@/lib/mail-outbox";
import { Client, makeKeys } from "@/lib/resque";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { testNamespace, testRedis, waitFor } from "../helpers/ns";
import { newTestDatabase, useTempDb } from "../helpers/db";

const started: Running[] = [];
const dirs: string[] = [];
const dbs: Db[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const p of started) p.kill("SIGKILL");
  for (const db of dbs) await db.destroy();
  for (const drop of drops) await drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Subjects of the saved e-mails, with their recipients. */
function outbox(dir: string): { subject: string; to: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".eml"));
  } catch {
    return [];
  }
  return names.map((n) => {
    const { headers } = parseEml(readFileSync(path.join(dir, n), "utf8"));
    return { subject: headers.subject ?? "", to: headers.to ?? "" };
  });
}

describe("alerts", () => {
  it("two scheduler processes: failures, queue age and queue without a worker each fire once and clear once", async () => {
    const url = inject("redisUrl");
    const ns = testNamespace("alerts");
    const k = makeKeys(ns);
    const redis = testRedis();
    const dir = mkdtempSync(path.join(os.tmpdir(), "alerts-"));
    dirs.push(dir);
    const database = await newTestDatabase(dir);
    drops.push(database.drop);
    const dbFile = database.url;
    const mailDir = path.join(dir, "outbox");
    const db = openDb(dbFile);
    dbs.push(db);
    await migrate(db);
    const admins = [
      await createAdmin(db, { email: "a1@alerts.test", passwordHash: "x", role: "admin" }),
      await createAdmin(db, { email: "a2@alerts.test", passwordHash: "x", role: "admin" }),
    ];
    const viewer = await createAdmin(db, { email: "v@alerts.test", passwordHash: "x", role: "viewer" });
    const rules = {
      failures: await createAlertRule(db, {
        name: "too many failures",
        kind: "failures",
        queue: "",
        threshold: 2,
        windowMin: 5,
      }),
      aged: await createAlertRule(db, {
        name: "aged queue",
        kind: "queue_age",
        queue: "aged",
        threshold: 1,
        windowMin: 0,
      }),
      orphan: await createAlertRule(db, {
        name: "orphan queue",
        kind: "queue_no_worker",
        queue: "orphan",
        threshold: 0,
        windowMin: 0,
      }),
      leader: await createAlertRule(db, {
        name: "no leader",
        kind: "scheduler_no_leader",
        queue: "",
        threshold: 0,
        windowMin: 0,
      }),
    };
    const moving = [rules.failures, rules.aged, rules.orphan];
    const env = cliEnv(url, ns, {
      DATABASE_URL: dbFile,
      OUTBOX_DIR: mailDir,
      ALERT_INTERVAL_SEC: "0.5",
      LOCK_TIMEOUT: "5",
      SCHEDULER: "0",
    });
    delete env.SMTP_URL;
    const schedulers = [startCli(["scheduler"], env), startCli(["scheduler"], env)];
    started.push(...schedulers);
    await waitFor("a scheduler leader", async () => (await redis.get(k.schedulerMasterLock)) !== null, 60_000);

    const client = new Client({ redis, namespace: ns });
    await client.enqueue("aged", "RecordJob", { n: 1 });
    await client.enqueue("orphan", "RecordJob", { n: 2 });
    for (let i = 0; i < 3; i++) await client.enqueue("boom", "FailJob", { why: `alert ${i}` });
    const failing = startCli(["work"], { ...env, QUEUE: "boom" });
    started.push(failing);

    const states = async (list: AlertRule[]) => Promise.all(list.map(async (r) => (await getAlertRule(db, r.id))!));
    await waitFor(
      "all three rules firing",
      async () => (await states(moving)).every((r) => r.state === "firing"),
      60_000,
      100,
    );

    // Clear them: a worker drains both queues; the failure counter is reset (Resque::Stat.clear).
    started.push(startCli(["work"], { ...env, QUEUE: "aged,orphan" }));
    await redis.del(k.statFailed);
    await waitFor(
      "all three rules back to ok",
      async () => (await states(moving)).every((r) => r.state === "ok" && r.stateSeq === 2),
      60_000,
      100,
    );
    // A few more evaluations, which must change nothing.
    const samples = await redis.zcard(k.alertFailedSamples);
    await waitFor(
      "three more evaluations",
      async () => (await redis.zcard(k.alertFailedSamples)) >= samples + 3,
      30_000,
      100,
    );

    for (const r of await states(moving)) expect(r.stateSeq, r.name).toBe(2);
    expect((await getAlertRule(db, rules.leader.id))!.stateSeq).toBe(0);

    // One bell notification per admin per transition, none for the viewer, in the reader's language too.
    const notes = await db.selectFrom("notifications").selectAll().orderBy("id").execute();
    expect(notes.filter((n) => n.recipient_id === viewer.id)).toEqual([]);
    for (const r of moving) {
      for (const a of admins) {
        const mine = notes.filter((n) => n.recipient_id === a.id && n.job_id?.startsWith(`alert:${r.id}:`));
        expect(mine.map((n) => n.job_id)).toEqual([`alert:${r.id}:1:${a.id}`, `alert:${r.id}:2:${a.id}`]);
        expect(mine[0]!.message_key).toBe(`alerts.notify.${r.kind}`);
        expect(mine[0]!.message).toContain(r.name);
        expect(mine[1]!.message_key).toBe("alerts.notify.cleared");
      }
    }
    const failedNote = notes.find((n) => n.job_id === `alert:${rules.failures.id}:1:${admins[0]!.id}`)!;
    expect(JSON.parse(failedNote.message_vars!)).toMatchObject({ count: 3, window: 5, threshold: 2 });

    // One e-mail per transition, to both admins, whichever process made it.
    const mails = outbox(mailDir);
    expect(mails).toHaveLength(6);
    for (const r of moving) {
      expect(mails.filter((m) => m.subject === `[Resque Admin] Alert fired: ${r.name}`)).toHaveLength(1);
      expect(mails.filter((m) => m.subject === `[Resque Admin] Alert cleared: ${r.name}`)).toHaveLength(1);
    }
    for (const m of mails) expect(m.to).toBe("a1@alerts.test, a2@alerts.test");
    const logged = schedulers.map((s) => s.output()).join("");
    expect(logged.match(/\) fired: /g)).toHaveLength(3);
    expect(logged.match(/\) cleared: /g)).toHaveLength(3);
    redis.disconnect();
  }, 120_000);
});

describe("transitionAlertRule", () => {
  const t = useTempDb("alerts-cas");
  it("moves a rule once from what was read: a second mover with the same reading writes nothing", async () => {
    const admin = await createAdmin(t.db, { email: "a@cas.test", passwordHash: "x", role: "admin" });
    const rule = await createAlertRule(t.db, {
      name: "r",
      kind: "queue_no_worker",
      queue: "",
      threshold: 0,
      windowMin: 0,
    });
    const text = { message: "m", key: "alerts.notify.cleared", vars: { name: "r" } };
    const first = await transitionAlertRule(t.db, rule, "firing", text);
    const second = await transitionAlertRule(t.db, rule, "firing", text);
    expect(first).toEqual({ seq: 1, admins: [{ id: admin.id, email: "a@cas.test" }] });
    expect(second).toBeNull();
    const notes = await t.db.selectFrom("notifications").select("job_id").execute();
    expect(notes).toEqual([{ job_id: `alert:${rule.id}:1:${admin.id}` }]);
  });
});
