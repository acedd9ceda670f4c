import { beforeEach, describe, expect, it } from "vitest";
import {
  BadSecretError,
  createSession,
  destroyAdminSessions,
  destroySession,
  getSessionSecret,
  pruneExpiredSessions,
  readSession,
  SESSION_ABSOLUTE_TTL_MS,
  SESSION_COOKIE_NAME,
  SESSION_IDLE_TTL_MS,
  sessionCookieOptions,
} from "@/lib/auth";
import { createAdmin, deleteAdmin, getSetting, openDb, setAdminRole, type Db } from "@/lib/db";
import { useTempDb } from "../helpers/db";

const tmp = useTempDb("auth-session");
let db: Db;
let adminId: number;
let now: number;
const clock = () => now;
const env = {}; // no AUTH_SECRET: the generated, stored one

beforeEach(async () => {
  db = tmp.db;
  now = 1_700_000_000_000;
  adminId = (await createAdmin(db, { email: "ann@example.com", passwordHash: "h", role: "admin" })).id;
});

const HOUR = 60 * 60 * 1000;

describe("sessions", () => {
  it("creates a signed cookie value and reads the account back", async () => {
    const s = await createSession(db, adminId, { ip: "10.1.2.3", userAgent: "vitest" }, { now: clock, env });
    expect(s.token).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
    expect(s.token.startsWith(`${s.sessionId}.`)).toBe(true);
    expect(s.expiresAt.getTime()).toBe(now + SESSION_ABSOLUTE_TTL_MS);

    const row = await db.selectFrom("sessions").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      id: s.sessionId,
      admin_id: adminId,
      ip: "10.1.2.3",
      user_agent: "vitest",
      created_at: now,
    });

    const read = await readSession(db, s.token, { now: clock, env });
    expect(read).toEqual({
      admin: { id: adminId, email: "ann@example.com", role: "admin" },
      sessionId: s.sessionId,
      expiresAt: s.expiresAt,
    });
  });

  it("refuses a modified MAC, a modified id, and malformed values", async () => {
    const { token, sessionId } = await createSession(db, adminId, {}, { now: clock, env });
    const [id, mac] = token.split(".") as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
    for (const bad of [
      `${id}.${flip(mac, 5)}`,
      `${flip(id, 10)}.${mac}`,
      `${id}.${mac.slice(0, -1)}`,
      `${id}.`,
      id,
      `${id}.${mac}.extra`,
      "",
      "garbage",
    ]) {
      expect(await readSession(db, bad, { now: clock, env }), bad).toBeNull();
    }
    expect(await readSession(db, undefined, { now: clock, env })).toBeNull();
    // A cookie signed with another secret is refused too.
    const other = { AUTH_SECRET: "y".repeat(40) };
    expect(await readSession(db, token, { now: clock, env: other })).toBeNull();
    // The session itself is untouched by forgeries.
    expect((await readSession(db, token, { now: clock, env }))?.sessionId).toBe(sessionId);
  });

  it("expires after 12 hours idle, and deletes the expired row", async () => {
    const { token } = await createSession(db, adminId, {}, { now: clock, env });
    now += SESSION_IDLE_TTL_MS - 1;
    expect(await readSession(db, token, { now: clock, env })).not.toBeNull(); // also refreshes last_seen_at
    now += SESSION_IDLE_TTL_MS - 1;
    expect(await readSession(db, token, { now: clock, env })).not.toBeNull();
    now += SESSION_IDLE_TTL_MS;
    expect(await readSession(db, token, { now: clock, env })).toBeNull();
    expect(await db.selectFrom("sessions").selectAll().execute()).toEqual([]);
  });

  it("expires 7 days after sign-in however active, and deletes the expired row", async () => {
    const { token } = await createSession(db, adminId, {}, { now: clock, env });
    const start = now;
    while (now + 6 * HOUR < start + SESSION_ABSOLUTE_TTL_MS) {
      now += 6 * HOUR; // active every 6 hours: never idle
      expect(await readSession(db, token, { now: clock, env })).not.toBeNull();
    }
    now = start + SESSION_ABSOLUTE_TTL_MS;
    expect(await readSession(db, token, { now: clock, env })).toBeNull();
    expect(await db.selectFrom("sessions").selectAll().execute()).toEqual([]);
  });

  it("writes last_seen_at at most once a minute", async () => {
    const { sessionId, token } = await createSession(db, adminId, {}, { now: clock, env });
    const seen = async () =>
      (await db.selectFrom("sessions").select("last_seen_at").where("id", "=", sessionId).executeTakeFirstOrThrow())
        .last_seen_at;
    now += 30_000;
    await readSession(db, token, { now: clock, env });
    expect(await seen()).toBe(now - 30_000);
    now += 30_000;
    await readSession(db, token, { now: clock, env });
    expect(await seen()).toBe(now);
  });

  it("honours custom lifetimes", async () => {
    const opts = { now: clock, env, idleTtlMs: 1000, absoluteTtlMs: 5000 };
    const { token, expiresAt } = await createSession(db, adminId, {}, opts);
    expect(expiresAt.getTime()).toBe(now + 5000);
    now += 1000;
    expect(await readSession(db, token, opts)).toBeNull();
  });

  it("signs out: destroySession deletes the row so the cookie stops working", async () => {
    const a = await createSession(db, adminId, {}, { now: clock, env });
    const b = await createSession(db, adminId, {}, { now: clock, env });
    expect(await destroySession(db, `${a.sessionId}.forged`, { env })).toBe(false);
    expect(await destroySession(db, a.token, { env })).toBe(true);
    expect(await destroySession(db, a.token, { env })).toBe(false);
    expect(await readSession(db, a.token, { now: clock, env })).toBeNull();
    expect(await readSession(db, b.token, { now: clock, env })).not.toBeNull();
    expect(await destroyAdminSessions(db, adminId)).toBe(1);
    expect(await readSession(db, b.token, { now: clock, env })).toBeNull();
  });

  it("follows the account: a role change applies at once, a deleted account's cookie dies", async () => {
    const other = await createAdmin(db, { email: "bob@example.com", passwordHash: "h", role: "admin" });
    const { token } = await createSession(db, other.id, {}, { now: clock, env });
    await setAdminRole(db, other.id, "viewer");
    expect((await readSession(db, token, { now: clock, env }))?.admin.role).toBe("viewer");
    await deleteAdmin(db, other.id);
    expect(await readSession(db, token, { now: clock, env })).toBeNull();
  });

  it("prunes expired sessions on demand and on each new session", async () => {
    await createSession(db, adminId, {}, { now: clock, env });
    now += SESSION_IDLE_TTL_MS;
    expect(await pruneExpiredSessions(db, { now: clock })).toBe(1);
    await createSession(db, adminId, {}, { now: clock, env });
    now += SESSION_IDLE_TTL_MS;
    await createSession(db, adminId, {}, { now: clock, env });
    expect((await db.selectFrom("sessions").selectAll().execute()).length).toBe(1);
  });
});

describe("session secret", () => {
  it("is generated once and kept in settings, so a restart keeps sessions valid", async () => {
    const { token } = await createSession(db, adminId, {}, { now: clock, env });
    const stored = await getSetting(db, "auth.session_secret");
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await db.destroy();
    db = openDb(tmp.url); // a restart: new connection, empty caches
    expect(await getSessionSecret(db, env)).toBe(stored);
    expect((await readSession(db, token, { now: clock, env }))?.admin.email).toBe("ann@example.com");
  });

  it("uses AUTH_SECRET when set, and refuses one shorter than 32 characters", async () => {
    const strong = { AUTH_SECRET: "s".repeat(32) };
    expect(await getSessionSecret(db, strong)).toBe(strong.AUTH_SECRET);
    const { token } = await createSession(db, adminId, {}, { now: clock, env: strong });
    expect(await readSession(db, token, { now: clock, env: strong })).not.toBeNull();
    expect(await getSetting(db, "auth.session_secret")).toBeNull(); // nothing generated
    expect(await readSession(db, token, { now: clock, env })).toBeNull(); // signed with the other secret

    await expect(getSessionSecret(db, { AUTH_SECRET: "too-short" })).rejects.toThrow(BadSecretError);
    await expect(getSessionSecret(db, { AUTH_SECRET: "too-short" })).rejects.toThrow(
      /at least 32 characters \(it has 9\)/,
    );
  });
});

describe("cookie", () => {
  it("is httpOnly, SameSite=Lax, path /, secure over HTTPS, and lives as long as the session", () => {
    expect(SESSION_COOKIE_NAME).toBe("resque_admin_session");
    expect(sessionCookieOptions(true)).toEqual({
      httpOnly: true,
      sameSite: "lax",
      secure: true,
      path: "/",
      maxAge: 7 * 24 * 60 * 60,
    });
    expect(sessionCookieOptions(false).secure).toBe(false);
  });
});
