/**
 * A production build of the current sources in `.next` for the end-to-end tests, made at most
 * once per change of the sources. vitest's globalSetup starts it without waiting, so the unit
 * and integration files overlap the 30-60 s build (they run first while one is due: the sequencer
 * in vitest.config.ts); each `next start` (tests/helpers/web.ts startWeb) waits for it through
 * ensureNextBuild().
 *
 * Cost: a staleness check is one stat per file under app/, components/ and lib/ (milliseconds);
 * a build is 20-40 s on a loaded 2-core machine, so it runs only when a file is newer than
 * `.next/BUILD_ID` (the same rule as scripts/start.sh), and not at all when no file under
 * tests/e2e is part of the run (`npx vitest run tests/unit` never builds).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const BUILD_ID = path.join(ROOT, ".next", "BUILD_ID");
/**
 * The output of a build that failed, dated by when it started: until a source changes after
 * that, every waiting file fails with this output at once instead of building again.
 */
const FAILED_LOG = path.join(ROOT, ".next-build-failed.log");
/** What the build reads; mirrors the `find ... -newer .next/BUILD_ID` in scripts/start.sh. */
const SOURCES = [
  "app",
  "components",
  "lib",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
  "postcss.config.mjs",
  "package-lock.json",
];
const E2E_DIR = path.join(ROOT, "tests", "e2e") + path.sep;

/** The first source path (file or folder: a deleted file changes its folder's mtime) newer than the build, or null. */
export function staleBecause(): string | null {
  if (!existsSync(BUILD_ID)) return ".next/BUILD_ID is missing";
  return changedSince(statSync(BUILD_ID).mtimeMs);
}

/** The first source path changed after `builtMs`, or null. */
function changedSince(builtMs: number): string | null {
  const walk = (p: string): string | null => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return null; // components/ may not exist yet
    }
    if (st.mtimeMs > builtMs) return path.relative(ROOT, p);
    if (!st.isDirectory()) return null;
    for (const name of readdirSync(p)) {
      if (name === "node_modules" || name === ".next") continue;
      const hit = walk(path.join(p, name));
      if (hit) return hit;
    }
    return null;
  };
  for (const s of SOURCES) {
    const hit = walk(path.join(ROOT, s));
    if (hit) return `${hit} changed after the last build`;
  }
  return null;
}

/**
 * True when this run includes an e2e file. vitest has already resolved the CLI filters into
 * `filenamePattern` (an internal field, read defensively) before global setups run; without
 * filters every file runs.
 */
async function runIncludesE2e(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(Array.isArray(filters) ? filters : []);
  return testFiles.some((f) => path.resolve(f).startsWith(E2E_DIR));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Two test runs in one checkout must not build into `.next` at the same time: a lock folder in
 * the temp dir (mkdir is atomic), keyed by the checkout path, holding the owner's pid.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const key = createHash("sha1").update(ROOT).digest("hex").slice(0, 12);
  const lock = path.join(os.tmpdir(), `resque-admin-next-build-${key}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lock, "pid"), "utf8"));
      } catch {
        // being created or removed right now
      }
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another test run holds ${lock} (pid ${owner}); remove it if that process is gone`, {
          cause: e,
        });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function runNextBuild(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // vitest sets NODE_ENV=test; Next warns about it and would not build for production.
    // The type check is the static gate's (next.config.js), not the build's.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      NEXT_BUILD_SKIP_TYPES: "1",
    };
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Builds when stale; throws with the build's output when it fails. */
export async function ensureNextBuild(): Promise<void> {
  if (!staleBecause()) return;
  await withBuildLock(async () => {
    const reason = staleBecause(); // another run may have built while we waited
    if (!reason) return;
    if (existsSync(FAILED_LOG) && !changedSince(statSync(FAILED_LOG).mtimeMs)) {
      throw new Error(`next build failed, and no source changed since:\n${readFileSync(FAILED_LOG, "utf8")}`);
    }
    const startedMs = Date.now();
    process.stderr.write(`[e2e] next build: ${reason}\n`);
    const { code, output } = await runNextBuild();
    if (code !== 0 || !existsSync(BUILD_ID)) {
      writeFileSync(FAILED_LOG, `exit ${code}\n${output}`);
      utimesSync(FAILED_LOG, new Date(startedMs), new Date(startedMs));
      throw new Error(`next build failed (exit ${code}):\n${output}`);
    }
    rmSync(FAILED_LOG, { force: true });
    // Date the build by when it started, so a source saved during the build still counts as newer.
    utimesSync(BUILD_ID, new Date(startedMs), new Date(startedMs));
    process.stderr.write(`[e2e] next build took ${((Date.now() - startedMs) / 1000).toFixed(1)} s\n`);
  });
}

export async function setup(project: TestProject) {
  if (!(await runIncludesE2e(project))) return;
  // Read by the sequencer in vitest.config.ts: e2e files start first only when no build is due.
  (globalThis as Record<symbol, unknown>)[Symbol.for("resque-admin.next-build-fresh")] = staleBecause() === null;
  // Not awaited: startWeb() waits where a server needs the build. A failure is reported there,
  // by every e2e file, with the build's output.
  ensureNextBuild().catch(() => {});
}
