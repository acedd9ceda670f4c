/**
 * `next start` on a PostgreSQL it cannot use (project e2e-pg only): the server stops at start-up
 * with one line naming where and why, and exit code 1, instead of answering every page with an
 * error. The worker CLI's side is in tests/integration/postgres.test.ts.
 */
import { describe, expect, inject, it } from "vitest";
import { startWeb } from "../helpers/web";
import { freePort } from "../helpers/redis-server";

describe("next start with a bad DATABASE_URL", () => {
  it("exits 1 with one line for a wrong password and for a host that does not answer", async () => {
    const base = new URL(inject("postgresUrl"));
    const wrong = new URL(base);
    wrong.password = "not-the-password";
    const down = new URL(base);
    down.port = String(await freePort());
    const cases: [URL, RegExp][] = [
      [
        wrong,
        /^error: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/postgres as postgres: password authentication failed/m,
      ],
      [down, /^error: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/postgres as postgres: .*ECONNREFUSED/m],
    ];
    for (const [url, line] of cases) {
      const started = startWeb({
        redisUrl: inject("redisUrl"),
        namespace: "unused",
        account: false,
        env: { DATABASE_URL: url.toString() },
      });
      const err = (await started.then(
        (web) => web.stop().then(() => new Error("next start answered")),
        (e: Error) => e,
      )) as Error;
      expect(err.message).toMatch(/next start exited \(code 1, signal null\) before answering/);
      expect(err.message).toMatch(line);
      expect(err.message).not.toContain("not-the-password");
    }
  }, 120_000);
});
