/** What the demo's jobs share: php-style args and the key that makes a job's writes idempotent. */
import { createHash } from "node:crypto";
import { z } from "zod";
import { isExportDownloadUrl } from "../lib/export/url";
import type { JobContext } from "../lib/resque/index";

/** An id as php sends it: `12` or `"12"` (from `explode(',', $ids)`). */
export const phpId = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/, "must be a positive whole number")
    .transform(Number),
]);

/**
 * The job's id (php-resque and this app write one into every payload); for payloads without
 * one (Ruby), a digest of the exact stored payload, which a retry of the same entry keeps.
 */
export function jobKey(job: JobContext): string {
  return job.id ?? "sha1:" + createHash("sha1").update(job.raw).digest("hex");
}

/**
 * A link the notification panel may render: only a CSV in our export folder's URL
 * (lib/export/url.ts) — never another site (`/\evil.example/x.csv`, `//evil`, `https://…`) or
 * `javascript:`, which would run in the admin's session when clicked.
 */
export const downloadUrl = z
  .string()
  .max(500)
  .refine(isExportDownloadUrl, "must be a CSV in this site's export folder (/uploads/export/<name>.csv)");
