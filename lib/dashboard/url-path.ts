/**
 * Whether every percent-escape of a URL path decodes to UTF-8. Next's router throws on a segment
 * like `%E0%A4%A` before any page or route runs and answers a bare 500; proxy.ts answers 400 instead.
 */
export function pathDecodes(pathname: string): boolean {
  if (!pathname.includes("%")) return true;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * A worker's page. The id is URL-encoded whole and never parsed: ids are `host:pid:queues` from
 * Ruby, php and us, `host:pid` from node-resque, and may gain other forms (a slot suffix).
 */
export function workerHref(id: string): string {
  return `/workers/${encodeURIComponent(id)}`;
}

/** A queue's page, by its raw name. */
export function queueHref(name: string): string {
  return `/queues/${encodeURIComponent(name)}`;
}

/**
 * Where sign-in may send a browser back to: a path on this site (`/queues/mail?page=2`), never
 * another origin. Refused: `//host` and `/\host` (browsers read both as another host), a
 * backslash anywhere, schemes (`javascript:`, `https://…`), control characters, and anything
 * not starting with `/`. Returns the path to use, or null.
 */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2000 || !next.startsWith("/")) return null;
  if (next.startsWith("//") || next.includes("\\")) return null;
  if (/[\x00-\x1f\x7f]/.test(next)) return null;
  // The URL parser is the judge: the path must stay on a placeholder origin once resolved.
  try {
    const base = "http://resque-admin.invalid";
    const u = new URL(next, base);
    if (u.origin !== base) return null;
    if (u.pathname === "/sign-in") return null;
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return null;
  }
}

/** The request header proxy.ts puts a page request's own path and query in (see safeNextPath). */
export const PATH_HEADER = "x-resque-path";

/** `/sign-in`, with `?next=` when `path` is worth coming back to (not the Overview, not sign-in itself). */
export function signInPath(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return next && next !== "/" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}

/** signInPath as an absolute URL on the origin of `requestUrl`. */
export function signInUrl(requestUrl: string, path: string): URL {
  return new URL(signInPath(path), requestUrl);
}

/**
 * Whether a request is a browser opening a page (a link, the address bar), not a script's fetch:
 * those get a sign-in page to go through, scripts a plain 401.
 */
export function isNavigation(headers: Headers): boolean {
  return headers.get("sec-fetch-mode") === "navigate" || (headers.get("accept") ?? "").includes("text/html");
}
