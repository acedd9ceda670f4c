/**
 * Access control, checked against `next start`: every route under app/ — enumerated from the
 * file system, so a new page is covered without touching this file — refuses an anonymous
 * request; a cross-origin server-action POST is rejected; the session cookie is httpOnly.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { openBrowser } from "../helpers/browser";
import { testNamespace } from "../helpers/ns";
import { signIn, startWeb, type WebServer } from "../helpers/web";

const APP = path.resolve(import.meta.dirname, "..", "..", "app");
/**
 * Routes that must answer without a session. The health probes are public on purpose: load
 * balancers call them without credentials, and they say no more than up/down (tests/e2e/metrics.test.ts).
 */
const PUBLIC = new Set(["/sign-in", "/api/health", "/api/ready"]);

interface Route {
  url: string;
  kind: "page" | "api";
  file: string;
}

/** Every page.tsx and route.ts under app/, as a URL: groups `(x)` vanish, `[param]` gets a sample value. */
function enumerateRoutes(dir = APP, segments: string[] = []): Route[] {
  const out: Route[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name.startsWith("_") || name.startsWith("@")) continue;
      const seg = /^\(.*\)$/.test(name)
        ? null
        : /^\[\.\.\.(\w+)\]$|^\[\[\.\.\.(\w+)\]\]$/.test(name)
          ? "sample/path"
          : /^\[(\w+)\]$/.test(name)
            ? "1"
            : name;
      out.push(...enumerateRoutes(full, seg ? [...segments, seg] : segments));
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(name) || /^route\.(ts|js)$/.test(name)) {
      out.push({
        url: "/" + segments.join("/"),
        kind: name.startsWith("page") ? "page" : "api",
        file: path.relative(APP, full),
      });
    }
  }
  return out;
}

let web: WebServer;
beforeAll(async () => {
  web = await startWeb({ redisUrl: inject("redisUrl"), namespace: testNamespace("sec") });
});
afterAll(async () => {
  await web?.stop();
});

describe("access control", () => {
  const routes = enumerateRoutes();

  it("finds the app's routes on disk", () => {
    expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(["/", "/sign-in", "/api/status"]));
  });

  it("refuses every non-public route to an anonymous request (pages → sign-in, JSON → 401)", async () => {
    for (const r of routes.filter((x) => !PUBLIC.has(x.url))) {
      for (const method of r.kind === "api" ? ["GET", "POST"] : ["GET"]) {
        const res = await fetch(web.url + r.url, { method, redirect: "manual" });
        if (r.kind === "page") {
          expect(res.status, `${method} ${r.url} (${r.file})`).toBe(307);
          expect(new URL(res.headers.get("location")!, web.url).pathname, `${r.url} redirects to sign-in`).toBe(
            "/sign-in",
          );
        } else {
          expect([401, 405], `${method} ${r.url} (${r.file})`).toContain(res.status);
          if (method === "GET") expect(res.status).toBe(401);
          const text = await res.text();
          expect(text, `${r.url} leaks no data`).not.toMatch(/"stats"|"queues"|"workers"/);
        }
      }
    }
  });

  it("refuses a wrong bearer token and accepts the read-only API token", async () => {
    const wrong = await fetch(web.url + "/api/status", { headers: { authorization: "Bearer not-the-token-at-all" } });
    expect(wrong.status).toBe(401);
    const right = await fetch(web.url + "/api/status", { headers: { authorization: `Bearer ${web.apiToken}` } });
    expect(right.status).toBe(200);
    expect(Object.keys((await right.json()) as object).sort()).toEqual(["queues", "scheduler", "stats", "workers"]);
  });

  it("rejects a server-action POST from a foreign origin, and the session cookie is httpOnly and SameSite", async () => {
    const b = await openBrowser();
    try {
      await signIn(b.page, web);
      const cookie = (await b.context.cookies()).find((c) => c.name === "resque_admin_session")!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe("Lax");
      // Replay the sign-out action with the session but a foreign Origin: Next must refuse it,
      // and the session must survive.
      const page = await fetch(web.url + "/", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
      const html = await page.text();
      // Forms with a server action carry its id in a hidden input; sign-out is the header's last form.
      const ids = [...html.matchAll(/name="\$ACTION_ID_([^"]+)"/g)].map((m) => m[1]!);
      const actionId = ids.at(-1);
      expect(actionId, "the sign-out form's action id").toBeTruthy();
      const form = new FormData();
      form.set(`$ACTION_ID_${actionId}`, "");
      const res = await fetch(web.url + "/", {
        method: "POST",
        body: form,
        redirect: "manual",
        headers: { cookie: `${cookie.name}=${cookie.value}`, origin: "https://evil.example" },
      });
      expect(res.status).not.toBe(303);
      expect(res.headers.get("set-cookie") ?? "").not.toMatch(/resque_admin_session=;/);
      const still = await fetch(web.url + "/api/status", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
      expect(still.status, "the session survived the cross-origin replay").toBe(200);
      // Control: the same POST from our own origin does sign out, so the replay above was a real action.
      const own = await fetch(web.url + "/", {
        method: "POST",
        body: form,
        redirect: "manual",
        headers: { cookie: `${cookie.name}=${cookie.value}`, origin: web.url },
      });
      expect(own.status).toBeLessThan(500);
      const after = await fetch(web.url + "/api/status", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
      expect(after.status, "signed out by the same-origin replay").toBe(401);
    } finally {
      await b.close();
    }
  });
});
