import { describe, expect, it } from "vitest";
import { isNavigation, queueHref, safeNextPath, signInPath, workerHref } from "@/lib/dashboard/url-path";

describe("where sign-in may send a browser back to", () => {
  it("keeps a path on this site with its query and fragment", () => {
    for (const [next, kept] of [
      ["/queues/mail?page=2&per=50", "/queues/mail?page=2&per=50"],
      ["/workers/host%3A42%3Amail", "/workers/host%3A42%3Amail"],
      [
        "/uploads/export/export_20261129053958_3f9a1c0b7d2e.csv",
        "/uploads/export/export_20261129053958_3f9a1c0b7d2e.csv",
      ],
      ["/failed?q=%E4%B8%AD#top", "/failed?q=%E4%B8%AD#top"],
      ["/a/../failed", "/failed"],
    ]) {
      expect(safeNextPath(next), next).toBe(kept);
    }
  });

  it("refuses other origins, schemes, backslashes, control characters and sign-in itself", () => {
    for (const bad of [
      "//evil.example/x",
      "///evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/%5Cevil.example\\x",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
      "/\tjavascript:alert(1)",
      "/\n//evil.example",
      "/sign-in",
      "/sign-in?next=/x",
      `/${"a".repeat(2001)}`,
    ]) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(safeNextPath(null)).toBeNull();
    expect(safeNextPath(undefined)).toBeNull();
  });

  it("puts a path worth coming back to in ?next=, and nothing for the Overview or a refused one", () => {
    expect(signInPath("/queues/mail?page=2")).toBe("/sign-in?next=%2Fqueues%2Fmail%3Fpage%3D2");
    expect(signInPath("/")).toBe("/sign-in");
    expect(signInPath("//evil.example")).toBe("/sign-in");
    expect(signInPath(null)).toBe("/sign-in");
  });

  it("tells a browser opening a page from a script's request", () => {
    expect(isNavigation(new Headers({ "sec-fetch-mode": "navigate" }))).toBe(true);
    expect(isNavigation(new Headers({ accept: "text/html,application/xhtml+xml" }))).toBe(true);
    expect(isNavigation(new Headers({ accept: "*/*", "sec-fetch-mode": "cors" }))).toBe(false);
    expect(isNavigation(new Headers())).toBe(false);
  });
});

describe("page links of records", () => {
  it("encode a worker id or queue name whole, never parsing it", () => {
    expect(workerHref("web-1:4242:mail,reports")).toBe("/workers/web-1%3A4242%3Amail%2Creports");
    expect(workerHref("host:7:*#slot-2")).toBe("/workers/host%3A7%3A*%23slot-2");
    expect(queueHref("报表 a/b")).toBe("/queues/%E6%8A%A5%E8%A1%A8%20a%2Fb");
    expect(decodeURIComponent(workerHref("a b:1:q").slice("/workers/".length))).toBe("a b:1:q");
  });
});
