/** The Alerts page's argument schema: what each rule kind needs, and which field a refusal names. */
import { describe, expect, it } from "vitest";
import { alertRuleInput } from "@/lib/dashboard/alert-schema";

const issues = (v: unknown) => {
  const r = alertRuleInput.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => [(i as { params?: { field?: string } }).params?.field, i.message]);
};

describe("alertRuleInput", () => {
  it("takes a failures rule with its numbers as typed, trimmed", () => {
    expect(
      alertRuleInput.parse({ name: " Boom ", kind: "failures", queue: "x", threshold: "5", windowMin: "10" }),
    ).toEqual({ name: "Boom", kind: "failures", queue: "x", threshold: 5, windowMin: 10 });
  });

  it("asks only for what a kind reads", () => {
    expect(issues({ name: "L", kind: "scheduler_no_leader", threshold: "junk", windowMin: "-1" })).toEqual([]);
    expect(issues({ name: "Q", kind: "queue_no_worker", queue: "" })).toEqual([]);
    expect(issues({ name: "A", kind: "queue_age", queue: "mail", threshold: "0" })).toEqual([
      ["threshold", "alerts.badThreshold"],
    ]);
  });

  it("names the field of each refusal", () => {
    expect(issues({ name: "", kind: "failures", threshold: "1.5", windowMin: "1441" })).toEqual([
      ["name", "alerts.nameMissing"],
      ["threshold", "alerts.badThreshold"],
      ["windowMin", "alerts.badWindow"],
    ]);
    expect(issues({ name: "x", kind: "queue_age", queue: "a b", threshold: "60" })).toEqual([
      ["queue", "alerts.badQueue"],
    ]);
    expect(issues({ name: "x", kind: "nope" })).toEqual([["kind", "alerts.badKind"]]);
    expect(issues("not an object")).toEqual([
      ["name", "alerts.nameMissing"],
      ["kind", "alerts.badKind"],
    ]);
  });
});
