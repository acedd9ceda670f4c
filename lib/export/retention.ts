/**
 * Export retention: records and files older than `EXPORT_RETENTION_DAYS` (default 7) are
 * removed, and so are what interrupted runs left behind (temp files, incomplete S3 uploads).
 * Files go by the storage's own listing (paged: a bucket may hold any number of objects), so
 * files with no record (php producers) expire too. Run hourly by the worker supervisor (on
 * every host that writes exports) and by `npm run queue -- exports prune`.
 */
import { deleteExportsBefore, type Db } from "../db/index";
import { EXPORT_FILE_PATTERN } from "./paths";
import { exportStorage, type ExportStorage } from "./storage";
import { FolderStorage } from "./storage-folder";

export const DEFAULT_RETENTION_DAYS = 7;
/** A temp file or an unfinished upload this old belongs to no running export (runs take minutes). */
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

/** Removes expired export records and files (also files with no record, e.g. from php producers). */
export async function pruneExports(
  db: Db,
  opts: { storage?: ExportStorage; dir?: string; retentionDays?: number; now?: () => number } = {},
): Promise<PruneResult> {
  const storage = opts.storage ?? (opts.dir !== undefined ? new FolderStorage(opts.dir) : exportStorage());
  const nowMs = (opts.now ?? Date.now)();
  const cutoffMs = nowMs - (opts.retentionDays ?? retentionDaysFromEnv()) * 86_400_000;
  const rows = await deleteExportsBefore(db, cutoffMs);
  // An expired record's file goes even when the file itself is newer (a re-run rewrote it).
  const expired = new Set(rows.flatMap((r) => (r.file && EXPORT_FILE_PATTERN.test(r.file) ? [r.file] : [])));
  const doomed: string[] = [];
  for await (const f of storage.list()) if (f.modifiedMs < cutoffMs || expired.has(f.name)) doomed.push(f.name);
  const files = await storage.remove(doomed);
  const tmpFiles = await storage.pruneLeftovers(nowMs - TMP_MAX_AGE_MS);
  return { rows: rows.length, files, tmpFiles };
}
