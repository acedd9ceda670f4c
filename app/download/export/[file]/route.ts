import { Readable } from "node:stream";
import { EXPORT_FILE_PATTERN } from "@/lib/export/paths";
import { exportStorage } from "@/lib/export/storage";
import { isNavigation, signInPath } from "@/lib/dashboard/url-path";
import { getSession } from "../../../auth";

export const dynamic = "force-dynamic";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/**
 * A finished CSV export, for signed-in admins and viewers only (the API token is for JSON
 * monitoring, not for data). Browsers ask for `/uploads/export/<file>`; proxy.ts rewrites that
 * here, so a file in public/uploads/export is never served statically, present at start or not.
 * Only names of the form export_YYYYMMDDHHMMSS_<hex>.csv are looked up, in the export storage
 * (lib/export/storage.ts); anything else — `..`, encoded slashes, absolute paths — is refused
 * before the storage is touched. Streamed, so a large export costs no memory here.
 *
 * From S3 too the app streams the object rather than redirecting to a presigned URL: the bucket
 * need not be reachable from browsers (an internal MinIO), no URL ever works without the
 * session, not even for seconds, and the headers (attachment name, no-store) stay the app's.
 */
export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await ctx.params;
  const valid = EXPORT_FILE_PATTERN.test(file);
  if (!(await getSession())) {
    // A browser with an expired session comes back to the file after signing in; a script gets 401.
    return isNavigation(req.headers) && valid
      ? new Response(null, { status: 303, headers: { location: signInPath(`/uploads/export/${file}`) } })
      : text("Sign in to download exports.", 401);
  }
  if (!valid) return text("Not an export file name.", 400);
  let found;
  try {
    found = await exportStorage().open(file);
  } catch (e) {
    console.error(`download of ${file} failed: ${(e as Error).message}`);
    return text("The export storage cannot be read right now; try again later.", 503);
  }
  if (!found) return text("No such export: it may have expired.", 404);
  const body = Readable.toWeb(found.body) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-length": String(found.sizeBytes),
      "content-disposition": `attachment; filename="${file}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
