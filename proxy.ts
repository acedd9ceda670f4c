/**
 * The Next.js 16 proxy (formerly middleware): runs before every request except build assets,
 * in the Node.js runtime (Next 16's default for proxy.ts).
 *
 * 1. A POST whose body is over 1 MB is answered 413 with a sentence, before Next reads it
 *    (Next's own server-action limit answers a bare 500).
 * 2. `/uploads/*` is never served as a static file: exports are written to public/uploads/export
 *    (the folder the design names), and `next start` serves public/ files present at start to
 *    anyone. A request without a session cookie is refused here (401); any other is rewritten to
 *    app/download/export/[file]/route.ts, which checks the session against the database and
 *    streams the file whether it was there at start or written later. One check, no static path.
 * 3. A path with malformed percent-encoding (`/queues/%E0%A4%A`) is answered 400: Next's own
 *    decoding of dynamic segments would otherwise answer a bare 500 before any route runs.
 * 4. Page requests carry their own path and query to the server (`x-resque-path`, overwriting
 *    whatever a client sent), so a signed-out visit is sent to `/sign-in?next=<that path>` and
 *    lands back where it started (app/auth.ts); a signed-out browser opening an export download is
 *    sent to sign-in and back to the file the same way, while a script's request still gets 401.
 * 5. Headers on every response: a per-request nonce-based Content-Security-Policy (Next reads the
 *    nonce from the request's CSP header and puts it on its scripts), X-Frame-Options,
 *    nosniff, Referrer-Policy, and `Cache-Control: private, no-store`.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAME } from "@/lib/auth/session";
import { isNavigation, PATH_HEADER, pathDecodes, signInUrl } from "@/lib/dashboard/url-path";
import { EXPORT_FILE_PATTERN } from "@/lib/export/paths";
import { LOCALE_COOKIE, resolveLocale, translator } from "@/lib/i18n";
import {
  BODY_LIMIT_TEXT,
  bodyTooLarge,
  contentSecurityPolicy,
  newNonce,
  NO_STORE,
  SECURITY_HEADERS,
} from "@/lib/web/headers";

const EXPORTS = "/uploads/export/";

export function proxy(req: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const { pathname } = req.nextUrl;

  let res: NextResponse;
  if (bodyTooLarge(req.method, req.headers.get("content-length"))) {
    const t = translator(resolveLocale(req.cookies.get(LOCALE_COOKIE)?.value, req.headers.get("accept-language")));
    res = text(t("request.tooLarge", { limit: BODY_LIMIT_TEXT }), 413);
  } else if (!pathDecodes(pathname)) {
    res = NextResponse.json({ error: "Bad request: the path has malformed percent-encoding." }, { status: 400 });
  } else if (pathname === "/uploads" || pathname.startsWith("/uploads/")) {
    res = guardUploads(req, pathname);
  } else {
    // The CSP on the request too: that is where Next's renderer reads the nonce from.
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", csp);
    headers.set(PATH_HEADER, `${pathname}${req.nextUrl.search}`);
    res = NextResponse.next({ request: { headers } });
  }
  res.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.headers.set(name, value);
  res.headers.set("Cache-Control", NO_STORE);
  return res;
}

function guardUploads(req: NextRequest, pathname: string): NextResponse {
  if (!req.cookies.get(SESSION_COOKIE_NAME)?.value) {
    return isNavigation(req.headers)
      ? NextResponse.redirect(signInUrl(req.url, pathname), 303)
      : text("Sign in to download exports.", 401);
  }
  const name = pathname.startsWith(EXPORTS) ? pathname.slice(EXPORTS.length) : "";
  // Only an export file name goes on; the handler checks the session and the name again.
  if (!EXPORT_FILE_PATTERN.test(name)) return text("No such export.", 404);
  const target = req.nextUrl.clone();
  target.pathname = `/download/export/${name}`;
  return NextResponse.rewrite(target);
}

function text(body: string, status: number): NextResponse {
  return new NextResponse(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const config = {
  // Everything but build assets (hashed, immutable, public by nature; next.config.js gives them
  // the static headers). Prefetches included: they carry the same data as the page.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
