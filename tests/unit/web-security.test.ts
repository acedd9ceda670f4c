import { describe, expect, it } from "vitest";
import { isExportDownloadUrl } from "@/lib/export/url";
import { BODY_LIMIT_BYTES, bodyTooLarge, contentSecurityPolicy, newNonce, SECURITY_HEADERS } from "@/lib/web/headers";
import type { NextConfig } from "next";

describe("notification download links", () => {
  it("accepts only a CSV in our export folder's URL", () => {
    for (const ok of [
      "/uploads/export/export_20261129053958_3f9a1c0b7d2e.csv",
      "/uploads/export/export_20261129053958.csv",
      "/uploads/export/a.csv",
    ]) {
      expect(isExportDownloadUrl(ok), ok).toBe(true);
    }
    for (const bad of [
      "/\\evil.example/x.csv",
      "//evil.example/x.csv",
      "https://evil.example/x.csv",
      "http://127.0.0.1/uploads/export/a.csv",
      "javascript:alert(1)",
      "JavaScript:alert(1)//uploads/export/a.csv",
      "data:text/csv,a",
      "/uploads/export/../../app.db",
      "/uploads/export/..%2Fapp.db",
      "/uploads/export/x/../../evil.csv",
      "/uploads/export/a.csv?x=//evil",
      "/uploads/export/a.csv#x",
      "/uploads/export/.csv",
      "/uploads/export/a.exe",
      "/uploads/export/a.csv\n",
      " /uploads/export/a.csv",
      "/uploads/export\\a.csv",
      "/products",
      "",
      null,
      42,
    ]) {
      expect(isExportDownloadUrl(bad), String(bad)).toBe(false);
    }
  });
});

describe("response headers", () => {
  it("a CSP that allows only this response's nonce for scripts and nobody to frame the page", () => {
    const nonce = newNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(nonce);
    const csp = contentSecurityPolicy(nonce);
    const directives = new Map(csp.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1).join(" ")]));
    expect(directives.get("script-src")).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(directives.get("frame-ancestors")).toBe("'none'");
    expect(directives.get("object-src")).toBe("'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(directives.get("script-src")).not.toContain("unsafe-inline");
    expect(contentSecurityPolicy(nonce, true)).toContain("'unsafe-eval'");
  });

  it("next.config.js gives static files the same headers the proxy sets", async () => {
    // @ts-expect-error next.config.js is plain JS without types (its JSDoc names NextConfig)
    const nextConfig = (await import("../../next.config.js")).default as NextConfig;
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*");
    expect(Object.fromEntries(all!.headers.map((h) => [h.key, h.value]))).toEqual(SECURITY_HEADERS);
  });

  it("a body over 1 MB is too large; reads and bodies without a length are left to Next", () => {
    expect(bodyTooLarge("POST", String(BODY_LIMIT_BYTES + 1))).toBe(true);
    expect(bodyTooLarge("POST", String(BODY_LIMIT_BYTES))).toBe(false);
    expect(bodyTooLarge("POST", null)).toBe(false);
    expect(bodyTooLarge("GET", "99999999")).toBe(false);
    expect(bodyTooLarge("POST", "junk")).toBe(false);
  });
});
