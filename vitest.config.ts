import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const TESTS_DIR = path.resolve(import.meta.dirname, "tests");
/** Set by tests/setup/next-build.ts (vitest's global setup, before files are ordered). */
const BUILD_FRESH = Symbol.for("resque-admin.next-build-fresh");

/**
 * The order files start in, for three workers on two cores: the longest first, so the short
 * ones fill the end. The e2e files are the longest, but they wait for the production build
 * (tests/setup/next-build.ts), which a full run starts beside the static gates: when the global
 * setup found it already built (BUILD_FRESH), they go first; otherwise last, so the workers run
 * the integration and unit files while it finishes. Integration files (some wait on real timers
 * for 20 s) come before unit files either way. Within a group vitest's own order holds (slowest
 * first from its cache, else larger files first).
 */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const dirOf = (f: TestSpecification) => path.relative(TESTS_DIR, path.resolve(f.moduleId)).split(path.sep)[0];
    const e2e = sorted.filter((f) => dirOf(f) === "e2e");
    const integration = sorted.filter((f) => dirOf(f) === "integration");
    const rest = sorted.filter((f) => dirOf(f) !== "e2e" && dirOf(f) !== "integration");
    const fresh = (globalThis as Record<symbol, unknown>)[BUILD_FRESH] === true;
    return fresh ? [...e2e, ...integration, ...rest] : [...integration, ...rest, ...e2e];
  }
}

/**
 * Instants where calendar bugs live, each with a machine zone far from UTC: the unit tests of
 * dates, schedules and durations run again at each (tests/setup/clock.ts moves Date there).
 */
const CLOCKS = [
  { name: "month-end", at: "2027-01-31T09:59:50Z", tz: "Pacific/Kiritimati" }, // 23:59:50 local, UTC+14
  { name: "leap-day", at: "2028-03-01T08:59:50Z", tz: "America/Anchorage" }, // 23:59:50 on 29 Feb, UTC-9
  { name: "dst-spring", at: "2027-03-14T06:59:50Z", tz: "America/New_York" }, // 10 s before 02:00 becomes 03:00
  { name: "dst-fall", at: "2027-11-07T05:59:50Z", tz: "America/New_York" }, // 10 s before 02:00 becomes 01:00
];
const TIME_TESTS = [
  "clock",
  "dates",
  "delayed-input",
  "export-format",
  "i18n",
  "retry",
  "schedules-cron",
  "schedules-parse",
].map((f) => `tests/unit/${f}.test.ts`);

/**
 * The files that touch the database run twice: on SQLite (the projects above) and again on a
 * real PostgreSQL 15 in the `*-pg` projects (TEST_DATABASE=postgres: tests/helpers/db.ts gives
 * each test its own database on the run's one server, tests/setup/postgres.ts). Every e2e file
 * signs in, but on PostgreSQL only the files whose subject reads or writes rows run again
 * (accounts, sessions, audit, alerts, notifications, the demo's users, products and exports,
 * downloads, metrics, access control). Left out: db-client (SQLite's pragmas and file handling),
 * and REDIS_PAGES — the e2e files whose subject is Redis (failover, Cluster, the queue, failed,
 * delayed, schedule, stats and overview pages, hostile records, shared reads) or the page frame
 * (layout): the database only holds their session and the audit rows of their actions, which
 * the files above sign in through and write on PostgreSQL. Running them twice cost about 400 s
 * of file time per run (a third of the e2e total) and tested the same code twice.
 * postgres.test.ts and e2e/postgres-start.test.ts run only there: the first admin's race, the bad
 * configurations and SQLite-vs-PostgreSQL export bytes need a PostgreSQL server.
 * e2e/many-hosts.test.ts (two web hosts and two supervisors on one PostgreSQL, and the start-up
 * race) has a project of its own, e2e-hosts, so it runs once: on PostgreSQL, which is what several
 * hosts share.
 */
const MANY_HOSTS = "tests/e2e/many-hosts.test.ts";
const REDIS_PAGES = [
  "cluster",
  "delayed",
  "durability",
  "failed",
  "hostile-records",
  "layout",
  "overview",
  "queues",
  "schedules",
  "sentinel",
  "shared-reads",
  "stats",
].map((f) => `tests/e2e/${f}.test.ts`);
const PG_INTEGRATION = [
  "alerts",
  "auth-first-admin",
  "auth-session",
  "auth-sign-in",
  "db-admins",
  "db-audit",
  "db-migrate",
  "demo-cli",
  "demo-data",
  "demo-jobs",
  "metrics",
  "postgres",
].map((f) => `tests/integration/${f}.test.ts`);
const PG_ENV = { TEST_DATABASE: "postgres" };

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one redis-server but each uses its own namespace. Three at a time on 2 cores:
    // most of a file's time is spent waiting on its own processes (next start, Chromium,
    // workers), so a third file cut the full run from about 290 s to 240 s; a fourth gained
    // nothing more (measured on this 2-core machine, quiet).
    maxWorkers: 3,
    fileParallelism: true,
    // Longest first, e2e last while a production build is due (LongestFirstSequencer).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      // Pure code: no Redis, no build, no browser. The files share a process per worker
      // (isolate: false), as the e2e files do: a file that changes process-wide state puts it back.
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], isolate: false } },
      ...CLOCKS.map((c) => ({
        extends: true as const,
        test: {
          name: `clock:${c.name}`,
          include: TIME_TESTS,
          env: { TEST_CLOCK: c.at, TZ: c.tz },
          setupFiles: ["tests/setup/clock.ts"],
          isolate: false,
        },
      })),
      // A real redis-server (and the worker bundle), real processes.
      {
        extends: true as const,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: ["tests/integration/postgres.test.ts"],
          // One test process per worker for all its files, as unit and e2e do: a fresh process
          // per file imported ioredis, kysely and the engine again for each (import 21 s → 6 s,
          // the test processes' CPU 44 → 27 s for this project; measured on this 2-core machine).
          // A file that changes process-wide state (the environment) puts it back.
          isolate: false,
          globalSetup: ["tests/setup/redis.ts"],
        },
      },
      {
        extends: true as const,
        test: {
          name: "integration-pg",
          include: PG_INTEGRATION,
          env: PG_ENV,
          isolate: false,
          globalSetup: ["tests/setup/redis.ts", "tests/setup/postgres.ts"],
        },
      },
      // The production build, next start, Chromium.
      {
        extends: true as const,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          exclude: ["tests/e2e/postgres-start.test.ts", MANY_HOSTS],
          // One test process per worker for all its e2e files: the helpers (playwright-core, the
          // database and auth modules) load once and one Chromium serves them all
          // (tests/helpers/browser.ts). Each file still starts its own server, namespace and
          // database, and every browser of a test is its own context.
          isolate: false,
          globalSetup: ["tests/setup/redis.ts", "tests/setup/next-build.ts"],
        },
      },
      {
        extends: true as const,
        test: {
          name: "e2e-pg",
          include: ["tests/e2e/**/*.test.ts"],
          exclude: [...REDIS_PAGES, MANY_HOSTS],
          env: PG_ENV,
          isolate: false,
          globalSetup: ["tests/setup/redis.ts", "tests/setup/next-build.ts", "tests/setup/postgres.ts"],
        },
      },
      {
        extends: true as const,
        test: {
          name: "e2e-hosts",
          include: [MANY_HOSTS],
          env: PG_ENV,
          isolate: false,
          globalSetup: ["tests/setup/redis.ts", "tests/setup/next-build.ts", "tests/setup/postgres.ts"],
        },
      },
    ],
  },
});
