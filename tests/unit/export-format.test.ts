// A zone with DST, so the per-day offset cache meets the days it changes on. Set before any Date use,
// and put back after: the unit files share a process (isolate: false in vitest.config.ts).
const machineZone = process.env.TZ;
process.env.TZ = "America/New_York";

import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  EXPORT_FILE_PATTERN,
  exportDir,
  exportFilePath,
  formatLocalDateTime,
  newExportFileName,
  openExportStorage,
  s3LocationFromEnv,
  writeLocalDateTime,
} from "@/lib/export";
import { formatCents } from "@/lib/format";

afterAll(() => {
  if (machineZone === undefined) delete process.env.TZ;
  else process.env.TZ = machineZone;
});

const viaDate = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

describe("export cell formatting", () => {
  it("local date-times match Date's, across DST changes and in random order", () => {
    const samples: number[] = [];
    // Every 7 minutes through both 2025 DST changes, then random instants from 1990 to 2060.
    for (const start of [Date.UTC(2025, 2, 8), Date.UTC(2025, 10, 1)])
      for (let ms = start; ms < start + 3 * 86_400_000; ms += 7 * 60_000 + 1234) samples.push(ms);
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      samples.push(Date.UTC(1990, 0, 1) + Math.floor((seed / 2147483648) * 70 * 365 * 86_400_000));
    }
    expect(formatLocalDateTime(Date.UTC(2025, 0, 1, 12))).toBe("2025-01-01 07:00:00"); // the zone is in effect
    expect(formatLocalDateTime(Date.UTC(2025, 6, 1, 12))).toBe("2025-07-01 08:00:00");
    const wrong = samples.filter((ms) => formatLocalDateTime(ms) !== viaDate(ms));
    expect(wrong.map((ms) => [ms, formatLocalDateTime(ms), viaDate(ms)]).slice(0, 3)).toEqual([]);
    // The PostgreSQL export's byte writer: the same characters, at an offset in a larger buffer.
    const out = Buffer.alloc(64);
    const written = (ms: number) => out.toString("latin1", 5, writeLocalDateTime(ms, out, 5));
    const differ = samples.filter((ms) => written(ms) !== viaDate(ms));
    expect(differ.map((ms) => [ms, written(ms), viaDate(ms)]).slice(0, 3)).toEqual([]);
  });

  it("cents as yuan with two decimals", () => {
    expect([0, 5, 99, 100, 1250, 129_999, 100_000_000_000].map(formatCents)).toEqual([
      "0.00",
      "0.05",
      "0.99",
      "1.00",
      "12.50",
      "1299.99",
      "1000000000.00",
    ]);
  });
});

describe("export file names and folder", () => {
  it("names are export_YYYYMMDDHHMMSS_<hex>.csv in local time, and only those resolve to a path", () => {
    const name = newExportFileName(new Date(2025, 0, 2, 3, 4, 5));
    expect(name).toMatch(/^export_20250102030405_[0-9a-f]{12}\.csv$/);
    expect(name).toMatch(EXPORT_FILE_PATTERN);
    const dir = "/srv/exports";
    expect(exportFilePath(name, dir)).toBe(path.join(dir, name));
    for (const bad of [
      "../app.db",
      "/etc/passwd",
      `${name}/../../x`,
      `..\\${name}`,
      name.replace(".csv", ".CSV"),
      `${name}\0`,
      "export_2025_ab.csv",
      "",
    ]) {
      expect(exportFilePath(bad, dir), bad).toBeNull();
    }
  });

  it("writes to public/uploads/export by default, and never to the unguarded rest of public/", () => {
    expect(exportDir({})).toBe(path.join(process.cwd(), "public", "uploads", "export"));
    expect(exportDir({ EXPORT_DIR: "/var/exports" })).toBe("/var/exports");
    expect(exportDir({ EXPORT_DIR: "public/uploads/other" })).toBe(
      path.join(process.cwd(), "public", "uploads", "other"),
    );
    expect(() => exportDir({ EXPORT_DIR: "public/files" })).toThrow(/inside public\//);
    expect(() => exportDir({ EXPORT_DIR: "public/uploads" })).toThrow(/inside public\//);
    expect(() => exportDir({ EXPORT_DIR: path.join(process.cwd(), "public") })).toThrow(/inside public\//);
  });
});

describe("EXPORT_STORAGE", () => {
  it("a folder takes EXPORT_DIR's place, with the same public/ guard", () => {
    const s = openExportStorage({ EXPORT_STORAGE: "/mnt/shared/exports", EXPORT_DIR: "/var/exports" });
    expect(s.location).toBe("/mnt/shared/exports");
    expect(openExportStorage({ EXPORT_DIR: "/var/exports" }).location).toBe("/var/exports");
    expect(() => openExportStorage({ EXPORT_STORAGE: "public/files" })).toThrow(
      /^EXPORT_STORAGE=public\/files is inside/,
    );
  });

  it("s3://bucket/prefix with the S3_* settings and the keys from the given environment", () => {
    expect(
      s3LocationFromEnv("s3://shop-exports/csv/prod/", {
        S3_ENDPOINT: "http://minio:9000",
        S3_FORCE_PATH_STYLE: "true",
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AK",
        AWS_SECRET_ACCESS_KEY: "SK",
      }),
    ).toEqual({
      bucket: "shop-exports",
      prefix: "csv/prod/",
      endpoint: "http://minio:9000",
      region: "eu-west-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: undefined },
    });
    expect(s3LocationFromEnv("s3://b12", {})).toMatchObject({ prefix: "", region: "us-east-1", forcePathStyle: false });
    expect(s3LocationFromEnv("s3://b12", {}).credentials).toBeUndefined();
    expect(openExportStorage({ EXPORT_STORAGE: "s3://b12/x" }).where("e.csv")).toBe("s3://b12/x/e.csv");
  });

  it("refuses a malformed bucket, endpoint or scheme with the setting's name", () => {
    expect(() => s3LocationFromEnv("s3://Bad_Bucket/x", {})).toThrow(/^EXPORT_STORAGE=s3:\/\/Bad_Bucket\/x is not/);
    expect(() => s3LocationFromEnv("s3://", {})).toThrow(/EXPORT_STORAGE/);
    expect(() => s3LocationFromEnv("s3://b12", { S3_ENDPOINT: "minio:9000" })).toThrow(/^S3_ENDPOINT=minio:9000/);
    expect(() => openExportStorage({ EXPORT_STORAGE: "gs://b12/x" })).toThrow(/only a folder path or s3:\/\//);
  });
});
