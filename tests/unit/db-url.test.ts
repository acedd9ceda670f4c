import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataError, databaseFileFromEnv, resolveDatabaseFile } from "@/lib/db";

describe("DATABASE_URL", () => {
  it("defaults to data/app.db under the working directory", () => {
    expect(databaseFileFromEnv({})).toBe(path.join(process.cwd(), "data", "app.db"));
    expect(databaseFileFromEnv({ DATABASE_URL: "  " })).toBe(path.join(process.cwd(), "data", "app.db"));
  });

  it("accepts file: URLs, plain paths and :memory:", () => {
    expect(resolveDatabaseFile("file:data/x.db")).toBe(path.join(process.cwd(), "data", "x.db"));
    expect(resolveDatabaseFile("file:/var/lib/app.db")).toBe("/var/lib/app.db");
    expect(resolveDatabaseFile("file:///var/lib/my%20app.db")).toBe("/var/lib/my app.db");
    expect(resolveDatabaseFile("file:./a.db?mode=rwc")).toBe(path.join(process.cwd(), "a.db"));
    expect(resolveDatabaseFile("/tmp/plain.db")).toBe("/tmp/plain.db");
    expect(resolveDatabaseFile("rel/plain.db")).toBe(path.join(process.cwd(), "rel", "plain.db"));
    expect(resolveDatabaseFile(":memory:")).toBe(":memory:");
    expect(databaseFileFromEnv({ DATABASE_URL: "file::memory:" })).toBe(":memory:");
  });

  it("refuses PostgreSQL for now with a readable message that hides the password", () => {
    let err: unknown;
    try {
      resolveDatabaseFile("postgres://app:s3cret@db.internal/app");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe("unsupported_database");
    expect((err as DataError).message).toMatch(/not supported yet/);
    expect((err as DataError).message).not.toContain("s3cret");
  });
});
