import { describe, expect, it } from "vitest";
import { isPattern, resolveQueues } from "@/lib/resque";

const registered = ["mail_high", "default", "mail_low", "critical", "fixtures:temp:1795916392", "reports"];

describe("resolveQueues", () => {
  it("keeps plain names in configured priority order, even unregistered ones", () => {
    expect(resolveQueues(["critical", "default", "new_one"], registered)).toEqual(["critical", "default", "new_one"]);
  });

  it("expands * to every registered queue alphabetically, without php :temp: lists", () => {
    expect(resolveQueues(["*"], registered)).toEqual(["critical", "default", "mail_high", "mail_low", "reports"]);
  });

  it("expands globs in place and lists each queue once, at its first match", () => {
    expect(resolveQueues(["critical", "mail_*", "*"], registered)).toEqual([
      "critical",
      "mail_high",
      "mail_low",
      "default",
      "reports",
    ]);
    expect(resolveQueues(["mail_?ow"], registered)).toEqual(["mail_low"]);
  });

  it("applies !exclusions to names and globs", () => {
    expect(resolveQueues(["*", "!mail_*"], registered)).toEqual(["critical", "default", "reports"]);
    expect(resolveQueues(["!default", "default", "reports"], registered)).toEqual(["reports"]);
  });

  it("treats regex metacharacters in names literally", () => {
    expect(resolveQueues(["a.b*"], ["a.b1", "axb1"])).toEqual(["a.b1"]);
  });

  it("isPattern recognises glob entries", () => {
    expect(["*", "mail_*", "q?", "[ab]"].every(isPattern)).toBe(true);
    expect(isPattern("default")).toBe(false);
  });
});
