import { describe, expect, it } from "vitest";
import {
  assertCan,
  assertPasswordPolicy,
  AuthError,
  can,
  ForbiddenError,
  generatePassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  UnauthorizedError,
  verifyPassword,
  WeakPasswordError,
} from "@/lib/auth";

describe("passwords", () => {
  it("hashes with Argon2id and verifies only the right password", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse batterY")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
    // Salted: the same password hashes differently each time.
    expect(await hashPassword("correct horse battery")).not.toBe(hash);
  });

  it("never throws on a hash that is not Argon2 or an over-long input", async () => {
    expect(await verifyPassword("not a hash", "whatever123")).toBe(false);
    expect(await verifyPassword("", "whatever123")).toBe(false);
    const hash = await hashPassword("0123456789");
    expect(await verifyPassword(hash, "x".repeat(100_000))).toBe(false);
  });

  it(`refuses passwords shorter than ${MIN_PASSWORD_LENGTH} characters with a readable message`, async () => {
    expect(MIN_PASSWORD_LENGTH).toBeGreaterThanOrEqual(10);
    await expect(hashPassword("short")).rejects.toThrow(
      new WeakPasswordError("The password must be at least 10 characters long."),
    );
    expect(() => assertPasswordPolicy("123456789")).toThrow(WeakPasswordError);
    expect(() => assertPasswordPolicy("1234567890")).not.toThrow();
    expect(() => assertPasswordPolicy(" ".repeat(12))).toThrow(/only spaces/);
    expect(() => assertPasswordPolicy("x".repeat(257))).toThrow(/at most 256/);
    try {
      assertPasswordPolicy("short");
    } catch (e) {
      expect((e as AuthError).code).toBe("weak_password");
    }
  });

  it("generates random passwords from an unambiguous alphabet", () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    expect(generatePassword()).not.toBe(a);
    expect(generatePassword(32)).toHaveLength(32);
  });
});

describe("roles", () => {
  it("admins read and write; viewers only read", () => {
    expect([can("admin", "read"), can("admin", "write")]).toEqual([true, true]);
    expect([can("viewer", "read"), can("viewer", "write")]).toEqual([true, false]);
    expect(can("root" as never, "read")).toBe(false);
  });

  it("assertCan throws typed errors with codes and HTTP statuses", () => {
    const viewer = { id: 2, email: "v@x", role: "viewer" as const };
    expect(assertCan(viewer, "read")).toBe(viewer);
    expect(() => assertCan(null, "read")).toThrow(UnauthorizedError);
    expect(() => assertCan(viewer, "write")).toThrow(ForbiddenError);
    const errors = [new UnauthorizedError(), new ForbiddenError()];
    expect(errors.map((e) => [e.code, e.status, e instanceof AuthError])).toEqual([
      ["unauthorized", 401, true],
      ["forbidden", 403, true],
    ]);
  });
});
