import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  AUDIT_LIMITS,
  listAudit,
  listAuditActions,
  listAuditHosts,
  migrate,
  openDb,
  recordAudit,
  type Db,
} from "@/lib/db";
import { migrations } from "@/lib/db/migrations/index";
import { newTestDatabase, useTempDb } from "../helpers/db";

const tmp = useTempDb("db-audit");
let db: Db;

beforeEach(async () => {
  db = tmp.db;
});

const ann = { id: 1, email: "ann@example.com" };
const bob = { id: 2, email: "bob@example.com" };

describe("audit log", () => {
  it("records who did what to which items, when, and with what result", async () => {
    const entry = await recordAudit(db, {
      actor: ann,
      action: "failed.retry",
      target: "failed",
      items: ["0-abc", "1-def", 42],
      result: "partial",
      detail: "retried 2, skipped 1",
      ip: "127.0.0.1",
      now: () => 1_700_000_000_123,
    });
    expect(entry).toEqual({
      id: expect.any(Number),
      atMs: 1_700_000_000_123,
      actorId: 1,
      actorEmail: "ann@example.com",
      action: "failed.retry",
      target: "failed",
      items: ["0-abc", "1-def", 42],
      result: "partial",
      detail: "retried 2, skipped 1",
      ip: "127.0.0.1",
      host: os.hostname(),
    });
    const raw = await db.selectFrom("audit_log").select("items").executeTakeFirstOrThrow();
    expect(raw.items).toBe('["0-abc","1-def",42]');

    const system = await recordAudit(db, { actor: null, action: "queue.clear", result: "ok" });
    expect(system).toMatchObject({
      actorId: null,
      actorEmail: null,
      target: null,
      items: null,
      detail: null,
      ip: null,
    });
  });

  it("lists newest first, paginated, with the total, and filters by action and actor", async () => {
    for (let i = 0; i < 7; i++) {
      await recordAudit(db, {
        actor: i % 2 ? bob : ann,
        action: i < 4 ? "queue.clear" : "failed.remove",
        target: `q${i}`,
        result: "ok",
        now: () => 1000 + i,
      });
    }
    // Same timestamp: the later insert still comes first.
    await recordAudit(db, { actor: ann, action: "queue.clear", target: "q7", result: "ok", now: () => 1006 });

    const p1 = await listAudit(db, { page: 1, perPage: 3 });
    expect(p1.total).toBe(8);
    expect([p1.page, p1.perPage]).toEqual([1, 3]);
    expect(p1.items.map((e) => e.target)).toEqual(["q7", "q6", "q5"]);
    const p3 = await listAudit(db, { page: 3, perPage: 3 });
    expect(p3.items.map((e) => e.target)).toEqual(["q1", "q0"]);
    expect((await listAudit(db, { page: 9, perPage: 3 })).items).toEqual([]);

    const clears = await listAudit(db, { action: "queue.clear", perPage: 10 });
    expect([clears.total, clears.items.map((e) => e.target)]).toEqual([5, ["q7", "q3", "q2", "q1", "q0"]]);
    const bobs = await listAudit(db, { actor: "BOB@example.com" });
    expect([bobs.total, bobs.items.map((e) => e.target)]).toEqual([3, ["q5", "q3", "q1"]]);
    const both = await listAudit(db, { actor: "bob@example.com", action: "failed.remove" });
    expect(both.items.map((e) => e.target)).toEqual(["q5"]);

    expect(await listAuditActions(db)).toEqual(["failed.remove", "queue.clear"]);
  });

  it("clamps a bad page and page size instead of failing", async () => {
    await recordAudit(db, { actor: ann, action: "x", result: "ok" });
    const res = await listAudit(db, { page: -3, perPage: 100_000 });
    expect([res.page, res.perPage, res.total, res.items.length]).toEqual([1, 200, 1, 1]);
    const nan = await listAudit(db, { page: Number.NaN, perPage: 0 });
    expect([nan.page, nan.perPage]).toEqual([1, 1]);
  });

  it("records a forged request's non-string target and items as text instead of failing", async () => {
    const forged = { junk: "<script>" } as unknown as string;
    const entry = await recordAudit(db, {
      actor: ann,
      action: "queue.remove",
      target: forged,
      items: [forged],
      result: "error",
      detail: "no such queue",
    });
    expect(entry).toMatchObject({ target: '{"junk":"<script>"}', items: ['{"junk":"<script>"}'], result: "error" });
  });

  it("caps every row's items, and keeps none on a denied row (a 900 KB refused call stays small)", async () => {
    const huge = "x".repeat(900_000);
    const many = Array.from({ length: 5000 }, (_, i) => `${i}-${"y".repeat(500)}`);
    const ok = await recordAudit(db, { actor: ann, action: "failed.remove", target: huge, items: many, result: "ok" });
    expect(ok!.items).toHaveLength(AUDIT_LIMITS.maxItems);
    expect(ok!.items!.every((v) => String(v).length <= AUDIT_LIMITS.maxItemLength)).toBe(true);
    expect(ok!.target).toHaveLength(AUDIT_LIMITS.maxTextLength);

    const denied = await recordAudit(db, {
      actor: null,
      action: "queue.remove",
      target: huge,
      items: [huge, huge],
      result: "denied",
      detail: huge,
      ip: "203.0.113.9",
    });
    expect(denied).toMatchObject({ items: null, result: "denied", ip: "203.0.113.9" });
    const row = await db
      .selectFrom("audit_log")
      .select((eb) => eb.fn<number>("length", [eb.fn("coalesce", [eb.ref("target"), eb.val("")])]).as("t"))
      .select((eb) => eb.fn<number>("length", [eb.fn("coalesce", [eb.ref("detail"), eb.val("")])]).as("d"))
      .where("id", "=", denied!.id)
      .executeTakeFirstOrThrow();
    expect(row.t + row.d).toBeLessThanOrEqual(2 * AUDIT_LIMITS.deniedTextLength);
  });

  it("stops writing denied rows for an address over its limit, and only for that address", async () => {
    let at = 5_000_000;
    const deny = (ip: string | null) =>
      recordAudit(db, { actor: null, action: "queue.clear", result: "denied", ip, now: () => at });
    for (let i = 0; i < AUDIT_LIMITS.deniedPerWindow; i++) expect(await deny("198.51.100.1")).not.toBeNull();
    expect(await deny("198.51.100.1")).toBeNull();
    // Another address, an anonymous bucket, and a signed-in write still get their rows.
    expect(await deny("198.51.100.2")).not.toBeNull();
    expect(await deny(null)).not.toBeNull();
    expect(
      await recordAudit(db, { actor: ann, action: "x", result: "ok", ip: "198.51.100.1", now: () => at }),
    ).not.toBeNull();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom("audit_log")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("ip", "=", "198.51.100.1")
            .where("result", "=", "denied")
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(AUDIT_LIMITS.deniedPerWindow);
    // Once the window has passed, the address is recorded again.
    at += AUDIT_LIMITS.deniedWindowMs + 1;
    expect(await deny("198.51.100.1")).not.toBeNull();
    expect(await count()).toBe(AUDIT_LIMITS.deniedPerWindow + 1);
  });
});

describe("audit log host", () => {
  it("filters by the host that wrote a row and lists the hosts", async () => {
    await recordAudit(db, { actor: ann, action: "queue.clear", result: "ok", now: () => 1000 });
    // Another web host's rows, as its process wrote them (its os.hostname()).
    await db
      .insertInto("audit_log")
      .values([
        { at: 1001, actor_email: bob.email, action: "queue.clear", result: "ok", host: "web-b" },
        { at: 1002, actor_email: bob.email, action: "failed.retry", result: "ok", host: "web-b" },
      ])
      .execute();
    const onB = await listAudit(db, { host: "web-b" });
    expect(onB.total).toBe(2);
    expect(onB.items.map((e) => [e.action, e.host])).toEqual([
      ["failed.retry", "web-b"],
      ["queue.clear", "web-b"],
    ]);
    expect((await listAudit(db, { host: os.hostname() })).items.map((e) => e.actorEmail)).toEqual([ann.email]);
    expect((await listAudit(db, { host: "web-b", action: "queue.clear" })).total).toBe(1);
    expect(await listAuditHosts(db)).toEqual([os.hostname(), "web-b"].sort());
  });

  it("reads rows written before migration 004 with no host", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "db-audit-upgrade-"));
    const database = await newTestDatabase(dir, { migrated: false });
    const old = openDb(database.url);
    try {
      await migrate(old, { migrations: migrations.filter((m) => m.version < 4) });
      await old
        .insertInto("audit_log")
        .values({ at: 5, actor_email: ann.email, action: "queue.clear", result: "ok" } as never)
        .execute();
      expect((await migrate(old)).applied).toEqual(["004-audit-host"]);
      await recordAudit(old, { actor: ann, action: "queue.clear", result: "ok", now: () => 6 });
      const log = await listAudit(old);
      expect(log.items.map((e) => e.host)).toEqual([os.hostname(), null]);
      expect(await listAuditHosts(old)).toEqual([os.hostname()]);
    } finally {
      await old.destroy();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
