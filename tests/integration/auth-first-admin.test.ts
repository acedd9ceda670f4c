import { beforeEach, describe, expect, it } from "vitest";
import { describeFirstAdmin, ensureFirstAdmin, signIn, WeakPasswordError } from "@/lib/auth";
import { countAdmins, createAdmin, listAdmins, openDb, type Db } from "@/lib/db";
import { useTempDb } from "../helpers/db";

const tmp = useTempDb("auth-first-admin");
let db: Db;

beforeEach(async () => {
  db = tmp.db;
});

describe("ensureFirstAdmin", () => {
  it("creates the admin from ADMIN_EMAIL / ADMIN_PASSWORD, and returns no password", async () => {
    const res = await ensureFirstAdmin(db, { ADMIN_EMAIL: "Ops@Example.com", ADMIN_PASSWORD: "a long enough secret" });
    expect(res).toEqual({ created: true, email: "ops@example.com" });
    expect((await listAdmins(db)).map((a) => [a.email, a.role])).toEqual([["ops@example.com", "admin"]]);
    const signedIn = await signIn(db, { email: "ops@example.com", password: "a long enough secret" }, { env: {} });
    expect(signedIn.ok).toBe(true);
    expect(describeFirstAdmin(res)).toEqual(["created the first admin ops@example.com (password from ADMIN_PASSWORD)"]);
  });

  it("generates admin@localhost with a random 20-character password when the env is empty", async () => {
    const res = await ensureFirstAdmin(db, {});
    expect(res.created).toBe(true);
    expect(res.email).toBe("admin@localhost");
    expect(res.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await db.selectFrom("admins").select("password_hash").executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toContain(res.generatedPassword!);
    const signedIn = await signIn(db, { email: "admin@localhost", password: res.generatedPassword! }, { env: {} });
    expect(signedIn.ok && signedIn.admin.role).toBe("admin");
    expect(describeFirstAdmin(res).join("\n")).toContain(res.generatedPassword!);
  });

  it("generates only the password when ADMIN_EMAIL alone is set", async () => {
    const res = await ensureFirstAdmin(db, { ADMIN_EMAIL: "me@example.com" });
    expect(res).toMatchObject({ created: true, email: "me@example.com", generatedPassword: expect.any(String) });
  });

  it("does nothing when an account exists, and never resets its password", async () => {
    await createAdmin(db, { email: "someone@example.com", passwordHash: "h", role: "viewer" });
    const res = await ensureFirstAdmin(db, { ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "a long enough secret" });
    expect(res).toEqual({ created: false, email: "ops@example.com" });
    expect(await countAdmins(db)).toBe(1);
    expect(describeFirstAdmin(res)).toEqual([]);
    expect((await ensureFirstAdmin(db, {})).created).toBe(false);
  });

  it("refuses a too-short ADMIN_PASSWORD with the policy message", async () => {
    await expect(ensureFirstAdmin(db, { ADMIN_PASSWORD: "short" })).rejects.toThrow(WeakPasswordError);
    await expect(ensureFirstAdmin(db, { ADMIN_PASSWORD: "short" })).rejects.toThrow(/at least 10 characters/);
    expect(await countAdmins(db)).toBe(0);
  });

  it("creates one admin when two processes start at once", async () => {
    const other = openDb(tmp.url);
    try {
      const [a, b] = await Promise.all([ensureFirstAdmin(db, {}), ensureFirstAdmin(other, {})]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      // Only the winner reports a password, and it is the one that works.
      const winner = a.created ? a : b;
      expect((a.created ? b : a).generatedPassword).toBeUndefined();
      expect(await countAdmins(db)).toBe(1);
      const signedIn = await signIn(db, { email: "admin@localhost", password: winner.generatedPassword! }, { env: {} });
      expect(signedIn.ok).toBe(true);
    } finally {
      await other.destroy();
    }
  });
});
