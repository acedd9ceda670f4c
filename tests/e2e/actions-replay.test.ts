/**
 * "Every server action refuses a viewer when replayed directly, not only through the UI."
 *
 * The actions are enumerated from the build's server-reference manifest, so an action a new page
 * adds is covered without editing this file; only the public ones are exempt, and that list is
 * asserted exactly, so a new exemption needs an edit here. Each action is replayed (a forged
 * POST with the action id, as tests/helpers/actions.ts does) by a signed-in viewer and by an
 * anonymous browser, with plausible arguments: a table per action name where the shape matters,
 * else a spread of generic shapes (ids, names, arrays, objects) seeded in Redis and SQLite so a
 * missing check would have something to destroy. Each replay must answer with the refusal, add
 * exactly one `denied` audit row for that caller, and leave every key of the test's Redis
 * namespace and every SQLite table but the logs and sessions unchanged. An action that validates
 * its input before the role check, or that throws instead of refusing, fails here.
 *
 * A control at the end replays two of the same calls as an admin and sees both snapshots change,
 * so the comparison is known to be able to fail.
 */
import type { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAdmin } from "@/lib/auth";
import { dialectOf, findAdminByEmail, openDb, type Db } from "@/lib/db";
import {
  buildFailureRecord,
  Client,
  Connection,
  formatFailedId,
  JobRegistry,
  registerWorker,
  saveSchedule,
  sha1Hex,
} from "@/lib/resque";
import { replayAction, serverActions, type ServerActionRef } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, testRedis, dropNamespace } from "../helpers/ns";
import { signIn, startWeb, type Account, type WebServer } from "../helpers/web";

/** Public by design: choosing a language, signing in and out need no account. */
const EXEMPT = [
  "app/actions.ts#setLocaleAction",
  "app/sign-in/actions.ts#signInAction",
  "app/sign-in/actions.ts#signOutAction",
];
/** On the caller's own rows only, so a viewer may call them (anonymous callers are still refused). */
const OWN_ROWS = ["app/(dashboard)/notifications/actions.ts#markAllReadAction"];
const REFUSED = "Refused: your account is read-only.";
/** Tables a refused call may write to: the audit row itself, and the sessions and throttle rows of signing in. */
const LOG_TABLES = new Set(["audit_log", "sessions", "sign_in_attempts"]);

const keyOf = (a: ServerActionRef) => `${a.file}#${a.exportedName}`;

interface Seeded {
  queue: string;
  jobRaw: string;
  failedId: string;
  failedRaw: string;
  delayedTs: number;
  delayedRaw: string;
  schedule: string;
  workerId: string;
  accountId: number;
  accountEmail: string;
}

/**
 * Arguments that would change something were the check missing, by action name; plus junk that no
 * action accepts, which must still get the refusal (not a validation message): the check comes first.
 */
function argsFor(name: string, s: Seeded): unknown[][] {
  const junk = [{ junk: "<script>" }, -1, null];
  const table: Record<string, unknown[][]> = {
    pauseQueueAction: [[s.queue]],
    resumeQueueAction: [[s.queue]],
    clearQueueAction: [[s.queue]],
    removeQueueAction: [[s.queue]],
    removeQueuedJobAction: [[s.queue, s.jobRaw]],
    pauseAllWorkersAction: [[]],
    resumeAllWorkersAction: [[]],
    pruneWorkerAction: [[s.workerId]],
    addAccountAction: [
      [{ email: "intruder@e2e.test", role: "admin", password: "intruder-password-1" }],
      [{ email: "intruder@e2e.test", role: "admin", generate: true }],
    ],
    setAccountRoleAction: [[s.accountId, "viewer"]],
    resetAccountPasswordAction: [
      [s.accountId, { password: "taken-over-password" }],
      [s.accountId, { generate: true }],
    ],
    removeAccountAction: [[s.accountId]],
  };
  return [
    ...(table[name] ?? [
      [],
      [s.queue],
      [s.failedId],
      [[s.failedId]],
      [{ ids: [s.failedId], queue: s.queue, list: "failed" }],
      [s.delayedTs, s.delayedRaw],
      [s.schedule],
      [s.schedule, false],
      [s.workerId],
      [s.accountId],
      ["x", "y", "z"],
    ]),
    junk,
  ];
}

/** Every key of the namespace with its type and full value (the namespace holds a few dozen keys). */
async function redisSnapshot(redis: Redis, namespace: string): Promise<Record<string, unknown>> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${namespace}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    const value =
      type === "string"
        ? await redis.get(key)
        : type === "list"
          ? await redis.lrange(key, 0, -1)
          : type === "set"
            ? (await redis.smembers(key)).sort()
            : type === "zset"
              ? await redis.zrange(key, "0", "-1", "WITHSCORES")
              : type === "hash"
                ? await redis.hgetall(key)
                : `<${type}>`;
    out[key] = { type, value, expires: (await redis.pttl(key)) >= 0 };
  }
  return out;
}

/** Every row of every table but the logs and sessions. */
async function dbSnapshot(db: Db): Promise<Record<string, string[]>> {
  const tables =
    dialectOf(db) === "sqlite"
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() order by name`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    if (LOG_TABLES.has(name)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    out[name] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

describe("every server action replayed directly", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-replay");
  let redis: Redis;
  let web: WebServer;
  let db: Db;
  let viewer: OpenedBrowser;
  let anon: OpenedBrowser;
  let seeded: Seeded;
  const viewerAccount: Account = { email: "viewer@e2e.test", password: "viewer-password-1", role: "viewer" };

  beforeAll(async () => {
    redis = testRedis();
    const [w, v, a] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, env: { AUDIT_DENIED_PER_MINUTE: "1000" } }),
      openBrowser(),
      openBrowser(),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (v.status === "fulfilled") viewer = v.value;
    if (a.status === "fulfilled") anon = a.value;
    for (const r of [w, v, a]) if (r.status === "rejected") throw r.reason;
    db = openDb(web.databasePath);
    await addAdmin(db, viewerAccount);
    // A second admin, so removing or demoting it would succeed for a caller allowed to.
    const target = await addAdmin(db, { email: "target@e2e.test", password: "target-password-1", role: "admin" });

    const conn = new Connection({ redis, namespace });
    const client = new Client({ redis, namespace, registry: new JobRegistry([]) });
    for (let i = 1; i <= 3; i++) await client.enqueue("mail", "SendReceipt", { n: i });
    await client.enqueue("reports", "BuildReport", { n: 1 });
    const jobRaw = (await redis.lindex(conn.keys.queue("mail"), 0))!;
    const failedRaw = buildFailureRecord({
      payloadRaw: jobRaw,
      exception: "RuntimeError",
      error: "boom",
      backtrace: ["a.rb:1"],
      worker: "host:1:mail",
      queue: "mail",
    });
    await redis.rpush(conn.keys.failed, failedRaw);
    await client.enqueueAt(Date.now() / 1000 + 3600, "mail", "SendLater", { n: 1 });
    const delayedTs = Number((await redis.zrange(conn.keys.delayedSchedule, "0", "0"))[0]);
    const delayedRaw = (await redis.lindex(conn.keys.delayed(delayedTs), 0))!;
    await saveSchedule(conn, { name: "nightly_report", className: "BuildReport", cron: "0 3 * * *", queue: "reports" });
    const workerId = "batch-2:4242:mail";
    await registerWorker(conn, workerId);
    await redis.hset(conn.keys.heartbeat, workerId, "2020-01-01T00:00:00+00:00");
    seeded = {
      queue: "mail",
      jobRaw,
      failedId: formatFailedId(0, sha1Hex(failedRaw)),
      failedRaw,
      delayedTs,
      delayedRaw,
      schedule: "nightly_report",
      workerId,
      accountId: target.id,
      accountEmail: target.email,
    };

    await signIn(viewer.page, web, viewerAccount);
    await anon.page.goto(`${web.url}/sign-in`);
  });

  afterAll(async () => {
    await Promise.all([viewer?.close(), anon?.close()]);
    await db?.destroy();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  it("exempts exactly the public actions, and finds the dashboard's actions in the build", () => {
    const all = serverActions();
    expect(
      all
        .filter((a) => EXEMPT.includes(keyOf(a)))
        .map(keyOf)
        .sort(),
    ).toEqual([...EXEMPT].sort());
    expect(all.map(keyOf)).toEqual(
      expect.arrayContaining([
        "app/(dashboard)/queues/actions.ts#clearQueueAction",
        "app/(dashboard)/workers/actions.ts#pruneWorkerAction",
        "app/(dashboard)/accounts/actions.ts#removeAccountAction",
      ]),
    );
  });

  // Two replays per action and argument shape, each a server round trip: 57 s on a quiet 2-core
  // machine already, so the default 60 s timed out under a full run's load.
  it(
    "refuses every other action to a viewer and to an anonymous caller, audits each as denied, and changes nothing",
    {
      timeout: 240_000,
    },
    async () => {
      const actions = serverActions().filter((a) => !EXEMPT.includes(keyOf(a)));
      expect(actions.length).toBeGreaterThanOrEqual(12);
      const redisBefore = await redisSnapshot(redis, namespace);
      const dbBefore = await dbSnapshot(db);
      expect(Object.keys(redisBefore).length).toBeGreaterThan(8);
      let replays = 0;

      for (const action of actions) {
        const label = keyOf(action);
        for (const args of argsFor(action.exportedName, seeded)) {
          for (const [who, browser, email] of [
            ["viewer", viewer, viewerAccount.email],
            ["anonymous", anon, null],
          ] as const) {
            if (who === "viewer" && OWN_ROWS.includes(label)) continue;
            const lastId =
              (
                await db
                  .selectFrom("audit_log")
                  .select((eb) => eb.fn.max("id").as("id"))
                  .executeTakeFirstOrThrow()
              ).id ?? 0;
            const answer = await replayAction(browser.page, web.url, action, args);
            const what = `${label}(${JSON.stringify(args).slice(0, 120)}) as ${who}`;
            expect(answer.text, `${what} answered ${answer.status}`).toContain(REFUSED);
            const added = await db
              .selectFrom("audit_log")
              .select(["actor_email", "result"])
              .where("id", ">", Number(lastId))
              .execute();
            expect(added, `${what}: one denied audit row`).toEqual([{ actor_email: email, result: "denied" }]);
            replays++;
          }
        }
        expect(await redisSnapshot(redis, namespace), `${label} left Redis unchanged`).toEqual(redisBefore);
        expect(await dbSnapshot(db), `${label} left SQLite unchanged`).toEqual(dbBefore);
      }
      expect(replays).toBeGreaterThanOrEqual(2 * actions.length - OWN_ROWS.length);
    },
  );

  it("control: the same calls made by an admin change both snapshots", async () => {
    const admin = await openBrowser();
    try {
      await signIn(admin.page, web);
      const redisBefore = await redisSnapshot(redis, namespace);
      const dbBefore = await dbSnapshot(db);
      const byName = (name: string) => serverActions().find((a) => a.exportedName === name)!;
      const cleared = await replayAction(
        admin.page,
        web.url,
        byName("clearQueueAction"),
        argsFor("clearQueueAction", seeded)[0]!,
      );
      expect(cleared.text).toContain("Cleared 3 jobs from mail.");
      const removed = await replayAction(
        admin.page,
        web.url,
        byName("removeAccountAction"),
        argsFor("removeAccountAction", seeded)[0]!,
      );
      expect(removed.text).toContain(`Account ${seeded.accountEmail} removed`);
      expect(await redisSnapshot(redis, namespace)).not.toEqual(redisBefore);
      expect(await dbSnapshot(db)).not.toEqual(dbBefore);
      expect(await findAdminByEmail(db, seeded.accountEmail)).toBeNull();
    } finally {
      await admin.close();
    }
  });
});
