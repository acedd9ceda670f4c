import { beforeEach, describe, expect, it } from "vitest";
import {
  countAdmins,
  createAdmin,
  createAdminIfNone,
  DataError,
  deleteAdmin,
  findAdminByEmail,
  findAdminById,
  listAdmins,
  setAdminRole,
  type Db,
} from "@/lib/db";
import { useTempDb } from "../helpers/db";

const tmp = useTempDb("db-admins");
let db: Db;
const HASH = "$argon2id$not-a-real-hash";

beforeEach(async () => {
  db = tmp.db;
});

async function dataError(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe("admins", () => {
  it("creates, finds, lists and counts accounts", async () => {
    const a = await createAdmin(
      db,
      { email: "  Ann@Example.com ", passwordHash: HASH, role: "admin" },
      { now: () => 1000 },
    );
    expect(a).toMatchObject({
      email: "ann@example.com",
      role: "admin",
      createdAtMs: 1000,
      updatedAtMs: 1000,
      lastSignInAtMs: null,
    });
    await createAdmin(db, { email: "bob@example.com", passwordHash: HASH, role: "viewer" });

    expect((await listAdmins(db)).map((x) => [x.email, x.role])).toEqual([
      ["ann@example.com", "admin"],
      ["bob@example.com", "viewer"],
    ]);
    expect(await countAdmins(db)).toBe(2);
    expect(await countAdmins(db, "admin")).toBe(1);
    expect(await countAdmins(db, "viewer")).toBe(1);
    expect(await findAdminById(db, a.id)).toEqual(a);
    expect((await findAdminByEmail(db, "ann@example.com"))?.passwordHash).toBe(HASH);
  });

  it("treats emails case-insensitively, for lookups and uniqueness", async () => {
    await createAdmin(db, { email: "ann@example.com", passwordHash: HASH, role: "admin" });
    expect((await findAdminByEmail(db, "ANN@example.COM"))?.email).toBe("ann@example.com");
    expect(await findAdminByEmail(db, " ann@example.com ")).not.toBeNull();
    expect(await findAdminByEmail(db, "nobody@example.com")).toBeNull();
    expect(await findAdminByEmail(db, "")).toBeNull();

    const dup = await dataError(createAdmin(db, { email: "Ann@EXAMPLE.com", passwordHash: HASH, role: "viewer" }));
    expect(dup.code).toBe("duplicate");
    expect(dup.message).toBe("An account with the email ann@example.com already exists.");
    // The same holds for rows written without the repository (the column is COLLATE NOCASE).
    await expect(
      db.insertInto("admins").values({ email: "ANN@example.com", password_hash: HASH, role: "viewer" }).execute(),
    ).rejects.toThrow(/UNIQUE|unique constraint/);
  });

  it("rejects a malformed email and an unknown role with readable errors", async () => {
    const e1 = await dataError(createAdmin(db, { email: "not an email", passwordHash: HASH, role: "admin" }));
    expect([e1.code, e1.message]).toEqual(["invalid_input", '"not an email" is not an email address.']);
    const e2 = await dataError(createAdmin(db, { email: "", passwordHash: HASH, role: "admin" }));
    expect(e2.message).toBe("Enter an email address.");
    const e3 = await dataError(createAdmin(db, { email: "a@b", passwordHash: HASH, role: "root" as never }));
    expect(e3.message).toBe('Unknown role "root": use admin or viewer.');
    // The database enforces the role too.
    await expect(
      db
        .insertInto("admins")
        .values({ email: "x@y", password_hash: HASH, role: "root" as never })
        .execute(),
    ).rejects.toThrow(/CHECK|check constraint/);
  });

  it("changes roles, but never demotes the last admin", async () => {
    const ann = await createAdmin(db, { email: "ann@example.com", passwordHash: HASH, role: "admin" });
    const bob = await createAdmin(db, { email: "bob@example.com", passwordHash: HASH, role: "viewer" });

    const last = await dataError(setAdminRole(db, ann.id, "viewer"));
    expect(last.code).toBe("last_admin");
    expect(last.message).toBe("ann@example.com is the last admin: make another account an admin first.");
    expect((await findAdminById(db, ann.id))?.role).toBe("admin");

    expect((await setAdminRole(db, bob.id, "admin", { now: () => 5000 })).updatedAtMs).toBe(5000);
    expect((await setAdminRole(db, ann.id, "viewer")).role).toBe("viewer");
    expect((await setAdminRole(db, ann.id, "viewer")).role).toBe("viewer"); // no-op for a viewer
    expect(await countAdmins(db, "admin")).toBe(1);
    expect((await dataError(setAdminRole(db, bob.id, "viewer"))).code).toBe("last_admin");
    expect((await dataError(setAdminRole(db, 999, "admin"))).code).toBe("not_found");
  });

  it("deletes accounts with their sessions, but never the last admin", async () => {
    const ann = await createAdmin(db, { email: "ann@example.com", passwordHash: HASH, role: "admin" });
    const bob = await createAdmin(db, { email: "bob@example.com", passwordHash: HASH, role: "viewer" });
    await db.insertInto("sessions").values({ id: "s1", admin_id: bob.id, expires_at: 9e12, last_seen_at: 0 }).execute();

    const last = await dataError(deleteAdmin(db, ann.id));
    expect(last.code).toBe("last_admin");
    expect(last.message).toMatch(/ann@example.com is the last admin and cannot be deleted/);

    expect((await deleteAdmin(db, bob.id)).email).toBe("bob@example.com");
    expect(await db.selectFrom("sessions").selectAll().execute()).toEqual([]); // cascade
    expect((await dataError(deleteAdmin(db, bob.id))).code).toBe("not_found");

    const cid = await createAdmin(db, { email: "cid@example.com", passwordHash: HASH, role: "admin" });
    await deleteAdmin(db, ann.id);
    expect((await listAdmins(db)).map((x) => x.email)).toEqual([cid.email]);
  });

  it("createAdminIfNone creates only into an empty table", async () => {
    const first = await createAdminIfNone(db, { email: "Root@Localhost", passwordHash: HASH, role: "admin" });
    expect(first?.email).toBe("root@localhost");
    expect(await createAdminIfNone(db, { email: "other@localhost", passwordHash: HASH, role: "admin" })).toBeNull();
    expect(await countAdmins(db)).toBe(1);
  });
});
