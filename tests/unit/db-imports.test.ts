import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// docs/architecture.md#import-rules: lib/db and lib/auth load in the plain-Node worker and CLI, so they must not pull
// in Next.js, React, server-only, the app, components or the Resque engine.
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const FORBIDDEN = [
  /^next(\/|$)/,
  /^react(-dom)?(\/|$)/,
  /^server-only$/,
  /(^|\/)app\//,
  /(^|\/)components\//,
  /(^|\/)resque(\/|$)/,
  /^@\/(app|components)\//,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

describe("lib/db and lib/auth imports", () => {
  it("import neither next/*, react, server-only, app/, components/ nor lib/resque", () => {
    const offending: string[] = [];
    for (const file of [...files(path.join(ROOT, "lib", "db")), ...files(path.join(ROOT, "lib", "auth"))]) {
      const src = readFileSync(file, "utf8");
      for (const m of src.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        if (FORBIDDEN.some((re) => re.test(m[1]!))) offending.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
