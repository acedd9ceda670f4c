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
