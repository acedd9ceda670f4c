/**
 * The only links a notification may carry: a CSV in our own export folder's URL,
 * `/uploads/export/<name>.csv`, with a plain file name (letters, digits, `_`, `-`, `.`; no `..`).
 * Anything else — `/\evil.example/x.csv` (browsers read `\` as `/`, so that is off-site),
 * `//evil`, `https://…`, `javascript:` — is refused when a notification is written and never
 * drawn as a link. The name may be any safe CSV name, not only ours, because php's
 * BatchExportJob names its files its own way; the download route still serves only ours.
 * No imports: the bell (a client component) uses it too.
 */
export const EXPORT_URL_PREFIX = "/uploads/export/";

const SAFE_EXPORT_URL = /^\/uploads\/export\/(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.csv$/;

export function isExportDownloadUrl(url: unknown): url is string {
  return typeof url === "string" && SAFE_EXPORT_URL.test(url);
}
