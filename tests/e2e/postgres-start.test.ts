/**
 * `next start` on a PostgreSQL it cannot use (project e2e-pg only): the server stops at start-up
 * with one line naming where and why, and exit code 1, instead of answering every page with an
 * error. The worker CLI's side is in tests/integration/postgres.test.ts.
 *
 * Spawned here rather than through startWeb(): Next prints "Ready" and may answer a request in
 * the moment before instrumentation's check ends the process, and what matters is the exit.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../helpers/redis-server";
import { ensureNextBuild } from "../setup/next-build";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

/** Runs `next start` with `databaseUrl` until it exits (at most 60 s); its code and what it printed. */
async function nextStart(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: inject("redisUrl"),
    DATABASE_URL: databaseUrl,
  };
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

describe("next start with a bad DATABASE_URL", () => {
  it("exits 1 with one line for a wrong password and for a host that does not answer", async () => {
    await ensureNextBuild();
    const base = new URL(inject("postgresUrl"));
    const wrong = new URL(base);
    wrong.password = "not-the-password";
    const down = new URL(base);
    down.port = String(await freePort());
    const cases: [URL, RegExp][] = [
      [
        wrong,
        /^error: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/postgres as postgres: password authentication failed/,
      ],
      [down, /^error: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/postgres as postgres: .*ECONNREFUSED/],
    ];
    for (const [url, line] of cases) {
      const { code, output } = await nextStart(url.toString());
      expect(code, output).toBe(1);
      const errors = output.split("\n").filter((l) => /error/i.test(l));
      expect(errors, output).toEqual([expect.stringMatching(line)]);
      expect(output).not.toContain("not-the-password");
    }
  }, 180_000);
});
