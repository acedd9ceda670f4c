// Bundles the worker processes (CLI, supervisor, worker) with esbuild into dist/workers, so they
// run on plain `node` without a TypeScript loader in every worker process. npm packages stay
// external; the Lua scripts are copied beside the bundle. Output is written to a temporary folder
// and renamed into place, so a process starting meanwhile never loads half a bundle.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "dist", "workers");
const SOURCES = ["lib", "jobs", "workers"];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when the bundle is missing or older than any source file. */
export function isStale() {
  const marker = path.join(out, "cli.mjs");
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  return SOURCES.some((d) => newestMtime(path.join(root, d)) > built);
}

export async function buildWorkers() {
  const tmp = path.join(root, "dist", `.workers-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  await build({
    entryPoints: [path.join(root, "workers", "cli.ts"), path.join(root, "workers", "resque-worker.ts")],
    outdir: tmp,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // The jobs' import() of lib/db and lib/export become chunks loaded on first use. Chunks stay
    // beside the entries: lib/resque finds its Lua scripts next to the module that loads them.
    splitting: true,
    chunkNames: "[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Linked maps: worker processes run with --enable-source-maps (workers/supervisor.ts), so a
    // failed job's backtrace names jobs/….ts:line.
    sourcemap: "linked",
    logLevel: "warning",
  });
  cpSync(path.join(root, "lib", "resque", "lua"), path.join(tmp, "lua"), { recursive: true });
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
  await buildWorkers();
}
