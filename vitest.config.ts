import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const E2E_DIR = path.resolve(import.meta.dirname, "tests", "e2e") + path.sep;

/**
 * Runs the unit and integration files before the end-to-end ones. The e2e files wait for the
 * production build (tests/setup/next-build.ts), which a full run starts beside the static gates;
 * with the other files first, the workers spend the rest of the build running tests instead of
 * waiting on it. Within each group vitest's own order holds (slowest first, from its cache of
 * the last run), which packs the workers best.
 */
class E2eLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isE2e = (f: TestSpecification) => path.resolve(f.moduleId).startsWith(E2E_DIR);
    return [...sorted.filter((f) => !isE2e(f)), ...sorted.filter(isE2e)];
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
    // Unit and integration files first, e2e last: the e2e files wait for the production build,
    // which the other files overlap (E2eLastSequencer, tests/setup/next-build.ts).
    sequence: { sequencer: E2eLastSequencer },
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
          globalSetup: ["tests/setup/redis.ts"],
        },
      },
      // The production build, next start, Chromium.
      {
        extends: true as const,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          // One test process per worker for all its e2e files: the helpers (playwright-core, the
          // database and auth modules) load once and one Chromium serves them all
          // (tests/helpers/browser.ts). Each file still starts its own server, namespace and
          // database, and every browser of a test is its own context.
          isolate: false,
          globalSetup: ["tests/setup/redis.ts", "tests/setup/next-build.ts"],
        },
      },
    ],
  },
});
