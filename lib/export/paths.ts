/**
 * Where exports live and what they are called. The folder is NOT under public/: `next start`
 * serves every public/ file present at start without asking who is there (checked: an export
 * in public/uploads/export answered 200 to an anonymous request), so exports are kept in a data
 * folder and served only by app/uploads/export/[file]/route.ts, at the same URL the PHP original
 * uses (`/uploads/export/<file>`).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";

/** `export_YYYYMMDDHHMMSS_<12 hex>.csv`: the only names the download route serves. */
export const EXPORT_FILE_PATTERN = /^export_\d{14}_[0-9a-f]{12}\.csv$/;

/** `EXPORT_DIR` (relative to the working directory), else `data/uploads/export`; never inside public/. */
export function exportDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.EXPORT_DIR?.trim();
  if (!configured) return path.join(process.cwd(), "data", "uploads", "export");
  const dir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), configured);
  const pub = path.join(process.cwd(), "public");
  if (dir === pub || dir.startsWith(pub + path.sep)) {
    throw new Error(
      `EXPORT_DIR=${configured} is inside public/, which Next.js serves to anyone: choose a folder outside it`,
    );
  }
  return dir;
}

/**
 * Half-written files go here, beside the export folder (same file system, so the final rename
 * is atomic) but never in it: a download can only ever find a complete file.
 */
export function exportTmpDir(dir: string = exportDir()): string {
  return path.join(path.dirname(dir), ".export-tmp");
}

/** A new file name, stamped with the local time as the PHP original's `date('YmdHis')`. */
export function newExportFileName(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const stamp = `${p(now.getFullYear(), 4)}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `export_${stamp}_${randomBytes(6).toString("hex")}.csv`;
}

/** The file's absolute path when `name` is an export file name, else null (`..`, slashes, anything else). */
export function exportFilePath(name: string, dir: string = exportDir()): string | null {
  return EXPORT_FILE_PATTERN.test(name) ? path.join(dir, name) : null;
}
