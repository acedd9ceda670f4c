/**
 * The headers every response carries, and the request-body limit: pure values and functions so
 * they can be unit-tested; proxy.ts applies them to each request, next.config.js to static files.
 */

/**
 * Server actions' body limit: Next's default `serverActions.bodySizeLimit` ("1mb"), stated here
 * so the proxy can answer a larger POST with a clear 413 before Next reads it (Next's own limit
 * throws inside the action handler and answers a bare 500).
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const BODY_LIMIT_TEXT = "1 MB";

/** On every response, static files included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/** On every answer that is not a build asset: pages, JSON and downloads can carry job args and e-mails. */
export const NO_STORE = "private, no-store";

/**
 * The Content-Security-Policy of one response, after the Next.js 16 guide
 * (docs/app/guides/content-security-policy): scripts only with this response's nonce (Next puts
 * it on its own scripts and on `<Script>`, so the theme script and hydration run) and what they
 * load (`strict-dynamic`); `<style>`/stylesheets by nonce or from us. Style *attributes* stay
 * allowed (`style-src-attr`): React writes one for the export progress bar, and an attribute
 * cannot run code. No framing by anyone (`frame-ancestors 'none'`, with X-Frame-Options for old
 * browsers). `next dev` also needs eval (React's dev tools rebuild server stacks with it).
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * True when a request declares a body over the limit. Browsers always send Content-Length for
 * a server action's body; a chunked body without one meets Next's own limit instead.
 */
export function bodyTooLarge(method: string, contentLength: string | null): boolean {
  if (method === "GET" || method === "HEAD" || contentLength === null) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > BODY_LIMIT_BYTES;
}
