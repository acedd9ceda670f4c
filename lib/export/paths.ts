/**
 * Where exports live and what they are called: `public/uploads/export`, the folder the design
 * names (the PHP original's), downloaded at `/uploads/export/<file>`. `next start` would serve a
 * public/ file present at start to anyone, so proxy.ts sends every `/uploads/*` request to the
 * session-checked handler (app/download/export/[file]/route.ts) and none is served statically.
 * Other public/ folders have no such guard: EXPORT_DIR may not point into them.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";

/** `export_YYYYMMDDHHMMSS_<12 hex>.csv`: the only names the download route serves. */
export const EXPORT_FILE_PATTERN = /^export_\d{14}_[0-9a-f]{12}\.csv$/;

/** `EXPORT_STORAGE` when it is an `s3://` URL (lib/export/storage.ts reads it). */
export const S3_URL = /^s3:\/\//i;

/**
 * The export folder: `EXPORT_STORAGE` when it is a folder, else `EXPORT_DIR` (relative to the
 * working directory), else `public/uploads/export`; inside public/ only under public/uploads/,
 * the part proxy.ts guards.
 */
export function exportDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const uploads = path.join(/*turbopackIgnore: true*/ process.cwd(), "public", "uploads");
  const storage = env.EXPORT_STORAGE?.trim();
  const variable = storage && !S3_URL.test(storage) ? "EXPORT_STORAGE" : "EXPORT_DIR";
  const configured = variable === "EXPORT_STORAGE" ? storage : env.EXPORT_DIR?.trim();
  if (!configured) return path.join(uploads, "export");
  const dir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), configured);
  const pub = path.join(/*turbopackIgnore: true*/ process.cwd(), "public");
  if ((dir === pub || dir.startsWith(pub + path.sep)) && !dir.startsWith(uploads + path.sep)) {
    throw new Error(
      `${variable}=${configured} is inside public/ but outside public/uploads/, and Next.js serves that to anyone: ` +
        "choose public/uploads/… or a folder outside public/",
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
