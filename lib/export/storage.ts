/**
 * Where finished CSV exports live, from `EXPORT_STORAGE`:
 * - unset, or a folder path: that folder (unset: `EXPORT_DIR`, else public/uploads/export),
 *   local or a volume every host mounts at the same path (storage-folder.ts);
 * - `s3://bucket/prefix`: an S3 bucket, with `S3_ENDPOINT` (an S3-compatible server),
 *   `S3_REGION` (else AWS_REGION, else us-east-1), `S3_FORCE_PATH_STYLE=1` (MinIO and most
 *   self-hosted servers) and the AWS SDK's usual credentials (storage-s3.ts).
 * The export job, the download route and retention see only the ExportStorage interface.
 */
import { exportDir, S3_URL } from "./paths";
import type { ExportStorage } from "./storage-api";
import { FolderStorage } from "./storage-folder";
import { S3Storage, type S3Location } from "./storage-s3";

export type { ExportStorage, ExportUpload, StoredExport } from "./storage-api";

type Env = Readonly<Record<string, string | undefined>>;

/** The bucket and prefix of an `s3://bucket/prefix` URL, with the S3_* settings; throws on a malformed one. */
export function s3LocationFromEnv(url: string, env: Env = process.env): S3Location {
  const m = /^s3:\/\/([^/?#]+)\/?([^?#]*)$/i.exec(url);
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!))
    throw new Error(`EXPORT_STORAGE=${url} is not s3://<bucket>/<prefix> with a valid bucket name`);
  const prefix = m[2]!.replace(/^\/+|\/+$/g, "");
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]/i.test(endpoint))
    throw new Error(`S3_ENDPOINT=${endpoint} is not an http:// or https:// URL`);
  return {
    bucket: m[1]!,
    prefix: prefix ? `${prefix}/` : "",
    endpoint,
    region: env.S3_REGION?.trim() || env.AWS_REGION?.trim() || "us-east-1",
    forcePathStyle: /^(1|true|yes|on)$/i.test(env.S3_FORCE_PATH_STYLE?.trim() ?? ""),
    // Read from the given settings (a CLI command's own environment), as the SDK would from process.env.
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            sessionToken: env.AWS_SESSION_TOKEN || undefined,
          }
        : undefined,
  };
}

/** A new storage for these settings: a CLI command's own (close() it when done). */
export function openExportStorage(env: Env = process.env): ExportStorage {
  const configured = env.EXPORT_STORAGE?.trim();
  if (configured && S3_URL.test(configured)) return new S3Storage(s3LocationFromEnv(configured, env));
  if (configured && /^[a-z][a-z0-9+.-]*:\/\//i.test(configured))
    throw new Error(`EXPORT_STORAGE=${configured}: only a folder path or s3://bucket/prefix is supported`);
  return new FolderStorage(exportDir(env));
}

let shared: { key: string; storage: ExportStorage } | undefined;

/**
 * The process's storage, from its environment: one S3 client (and its connection pool) for every
 * export and download, made again only when the settings change (tests change them).
 */
export function exportStorage(): ExportStorage {
  const env = process.env;
  const key = JSON.stringify([
    env.EXPORT_STORAGE,
    env.EXPORT_DIR,
    env.S3_ENDPOINT,
    env.S3_REGION,
    env.AWS_REGION,
    env.S3_FORCE_PATH_STYLE,
    env.AWS_ACCESS_KEY_ID,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    process.cwd(),
  ]);
  if (shared?.key !== key) {
    shared?.storage.close();
    shared = { key, storage: openExportStorage(env) };
  }
  return shared.storage;
}

/**
 * The start-up check of a process that writes exports (`work`) or reads them (the web app): one
 * line naming the setting and the reason when the storage cannot be used, else null.
 */
export async function exportStorageProblem(use: "write" | "read", env: Env = process.env): Promise<string | null> {
  let storage: ExportStorage | undefined;
  try {
    storage = openExportStorage(env);
    await storage.check(use);
    return null;
  } catch (e) {
    return `Export storage unusable: ${(e as Error).message}`;
  } finally {
    storage?.close();
  }
}
