/**
 * Export retention: records and files older than `EXPORT_RETENTION_DAYS` (default 7) are
 * removed, and so are temp files that interrupted runs left behind. Run hourly by the worker
 * supervisor (the process that already runs on every host that writes exports, since the
 * folder is local to the host) and by `npm run queue -- exports prune`.
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { deleteExportsBefore, type Db } from "../db/index";
import { EXPORT_FILE_PATTERN, exportDir, exportTmpDir } from "./paths";

export const DEFAULT_RETENTION_DAYS = 7;
/** A temp file this old belongs to no running export (runs take minutes). */
const TMP_MAX_AGE_MS = 86_400_000;

export function retentionDaysFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.EXPORT_RETENTION_DAYS?.trim();
  if (!raw) return DEFAULT_RETENTION_DAYS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`EXPORT_RETENTION_DAYS must be a positive number of days, got ${JSON.stringify(raw)}`);
  return n;
}

export interface PruneResult {
  rows: number;
  files: number;
  tmpFiles: number;
}

async function removeOlder(dir: string, cutoffMs: number, match: (name: string) => boolean): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter(match)) {
    const p = path.join(dir, name);
    const st = await stat(p).catch(() => null);
    if (st?.isFile() && st.mtimeMs < cutoffMs) {
      await rm(p, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Removes expired export records and files (also files with no record, e.g. from php producers). */
export async function pruneExports(
  db: Db,
  opts: { dir?: string; retentionDays?: number; now?: () => number } = {},
): Promise<PruneResult> {
  const dir = opts.dir ?? exportDir();
  const nowMs = (opts.now ?? Date.now)();
  const cutoffMs = nowMs - (opts.retentionDays ?? retentionDaysFromEnv()) * 86_400_000;
  const rows = await deleteExportsBefore(db, cutoffMs);
  let files = 0;
  for (const r of rows) {
    if (r.file && EXPORT_FILE_PATTERN.test(r.file)) {
      // turbopackIgnore: export files are data of the running app, not part of the build.
      const p = path.join(/*turbopackIgnore: true*/ dir, r.file);
      if (
        await stat(/*turbopackIgnore: true*/ p).then(
          () => true,
          () => false,
        )
      ) {
        await rm(p, { force: true });
        files++;
      }
    }
  }
  files += await removeOlder(dir, cutoffMs, (n) => EXPORT_FILE_PATTERN.test(n));
  const tmpFiles = await removeOlder(exportTmpDir(dir), nowMs - TMP_MAX_AGE_MS, (n) => n.endsWith(".part"));
  return { rows: rows.length, files, tmpFiles };
}
