/**
 * The compare-and-set under every alert transition: several evaluators (web servers, schedulers)
 * read the same state, and only the first to move a rule writes its notifications. The rules
 * firing and clearing once across two web servers and two schedulers, for real, is in
 * tests/e2e/alerts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { createAdmin, createAlertRule, transitionAlertRule } from "@/lib/db";
import { useTempDb } from "../helpers/db";

describe("transitionAlertRule", () => {
  const t = useTempDb("alerts-cas");
  it("moves a rule once from what was read: a second mover with the same reading writes nothing", async () => {
    const admin = await createAdmin(t.db, { email: "a@cas.test", passwordHash: "x", role: "admin" });
    const rule = await createAlertRule(t.db, {
      name: "r",
      kind: "queue_no_worker",
      queue: "",
      threshold: 0,
      windowMin: 0,
    });
    const text = { message: "m", key: "alerts.notify.cleared", vars: { name: "r" } };
    const first = await transitionAlertRule(t.db, rule, "firing", text);
    const second = await transitionAlertRule(t.db, rule, "firing", text);
    expect(first).toEqual({ seq: 1, admins: [{ id: admin.id, email: "a@cas.test" }] });
    expect(second).toBeNull();
    const notes = await t.db.selectFrom("notifications").select("job_id").execute();
    expect(notes).toEqual([{ job_id: `alert:${rule.id}:1:${admin.id}` }]);
  });
});
