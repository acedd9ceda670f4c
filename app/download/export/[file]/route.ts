import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { exportFilePath } from "@/lib/export/paths";
import { isNavigation, signInPath } from "@/lib/dashboard/url-path";
import { getSession } from "../../../auth";

export const dynamic = "force-dynamic";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/**
 * A finished CSV export, for signed-in admins and viewers only (the API token is for JSON
 * monitoring, not for data). Browsers ask for `/uploads/export/<file>`; proxy.ts rewrites that
 * here, so a file in public/uploads/export is never served statically, present at start or not.
 * Only names of the form export_YYYYMMDDHHMMSS_<hex>.csv are looked up, in the export folder;
 * anything else — `..`, encoded slashes, absolute paths — is refused before the file system is
 * touched. Streamed, so a large export costs no memory here.
 */
export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await ctx.params;
  if (!(await getSession())) {
    // A browser with an expired session comes back to the file after signing in; a script gets 401.
    return isNavigation(req.headers) && exportFilePath(file)
      ? new Response(null, { status: 303, headers: { location: signInPath(`/uploads/export/${file}`) } })
      : text("Sign in to download exports.", 401);
  }
  const full = exportFilePath(file);
  if (!full) return text("Not an export file name.", 400);
  const st = await stat(full).catch(() => null);
  if (!st?.isFile()) return text("No such export: it may have expired.", 404);
  const body = Readable.toWeb(createReadStream(full)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-length": String(st.size),
      "content-disposition": `attachment; filename="${file}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
