/**
 * Preloaded into `next start` (`node --import ./scripts/peer-address.mjs …`, as scripts/start.sh
 * and `npm run start:web` do): gives the app the connection's own address, which Next.js 16
 * does not expose to server actions, route handlers or the proxy (NextRequest has no `ip`;
 * Next fills `x-forwarded-for` from the socket only when the client did not send one, so a
 * client can choose it).
 *
 * On every request, before Next sees it:
 * - `x-resque-peer` is set to the socket's remote address, replacing anything a client sent;
 * - unless TRUST_PROXY=1, the `x-forwarded-*` and `x-real-ip` headers a client sent are dropped,
 *   so Next fills `x-forwarded-proto`/`-host`/`-for` from the connection itself and nothing in
 *   the app believes a client about its address or about HTTPS.
 * app/auth.ts reads the header only when this module marked the process (the symbol below):
 * without the preload (`next dev`) a client could send `x-resque-peer` itself.
 */
import http from "node:http";

const TRUST_PROXY = process.env.TRUST_PROXY === "1";
const FORWARDED = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip"];
const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (event, ...args) {
  if (event === "request") {
    const req = args[0];
    if (!TRUST_PROXY) for (const name of FORWARDED) delete req.headers[name];
    req.headers["x-resque-peer"] = req.socket?.remoteAddress ?? "";
  }
  return emit.call(this, event, ...args);
};

globalThis[Symbol.for("resque-admin.peer-address")] = true;
