import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DataError,
  DEFAULT_POOL_SIZE,
  databaseUrlFromEnv,
  isPostgresUrl,
  parseDatabaseUrl,
  poolSizeFromEnv,
  redactDatabaseUrl,
  resolveDatabaseFile,
} from "@/lib/db";

describe("DATABASE_URL", () => {
  it("defaults to data/app.db under the working directory", () => {
    expect(databaseUrlFromEnv({})).toBe(path.join(process.cwd(), "data", "app.db"));
    expect(databaseUrlFromEnv({ DATABASE_URL: "  " })).toBe(path.join(process.cwd(), "data", "app.db"));
  });

  it("accepts file: URLs, plain paths and :memory:", () => {
    expect(resolveDatabaseFile("file:data/x.db")).toBe(path.join(process.cwd(), "data", "x.db"));
    expect(resolveDatabaseFile("file:/var/lib/app.db")).toBe("/var/lib/app.db");
    expect(resolveDatabaseFile("file:///var/lib/my%20app.db")).toBe("/var/lib/my app.db");
    expect(resolveDatabaseFile("file:./a.db?mode=rwc")).toBe(path.join(process.cwd(), "a.db"));
    expect(resolveDatabaseFile("/tmp/plain.db")).toBe("/tmp/plain.db");
    expect(resolveDatabaseFile("rel/plain.db")).toBe(path.join(process.cwd(), "rel", "plain.db"));
    expect(resolveDatabaseFile(":memory:")).toBe(":memory:");
    expect(databaseUrlFromEnv({ DATABASE_URL: "file::memory:" })).toBe(":memory:");
  });

  it("selects PostgreSQL for postgres:// and postgresql:// URLs, as given", () => {
    const url = "postgresql://app:s3cret@db.internal:6432/app?sslmode=verify-full";
    expect(parseDatabaseUrl(url)).toEqual({ kind: "postgres", url });
    expect(databaseUrlFromEnv({ DATABASE_URL: ` ${url} ` })).toBe(url);
    expect(isPostgresUrl("POSTGRES://localhost/app")).toBe(true);
    expect(isPostgresUrl("/tmp/postgres.db")).toBe(false);
  });

  it("refuses other schemes with a readable message that names what works and hides the password", () => {
    for (const url of [
      "mysql://app:s3cret@db.internal/app",
      "redis://:s3cret@localhost/0",
      "sqlserver://u:s3cret@x/y",
    ]) {
      let err: unknown;
      try {
        databaseUrlFromEnv({ DATABASE_URL: url });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).code).toBe("unsupported_database");
      expect((err as DataError).message).toMatch(/not supported: use a SQLite file .* or PostgreSQL \(postgres:\/\//);
      expect((err as DataError).message).not.toContain("s3cret");
    }
  });

  it("reads DATABASE_POOL_SIZE, refusing what is not a count", () => {
    expect(poolSizeFromEnv({})).toBe(DEFAULT_POOL_SIZE);
    expect(poolSizeFromEnv({ DATABASE_POOL_SIZE: " 25 " })).toBe(25);
    for (const bad of ["0", "-1", "2.5", "many", "100000"]) {
      expect(() => poolSizeFromEnv({ DATABASE_POOL_SIZE: bad })).toThrow(/DATABASE_POOL_SIZE/);
    }
  });

  it("redacts the password of a URL in messages", () => {
    expect(redactDatabaseUrl("postgres://app:p%40ss@db:5432/x")).toBe("postgres://app:***@db:5432/x");
    expect(redactDatabaseUrl("postgres://db/x")).toBe("postgres://db/x");
  });
});
