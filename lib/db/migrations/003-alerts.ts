/**
 * 003 — alert rules (issue 15 item 4, docs/monitoring.md#alerts). A rule's state lives on its
 * row: `state_seq` counts its transitions, and a transition is an UPDATE guarded by the state
 * and seq the evaluator read, so of several processes evaluating at once exactly one changes it
 * (lib/db/alerts.ts). Notifications gain a message key and values, so the bell shows an alert in
 * the reader's language while `message` keeps the English sentence for any other reader.
 */
import { sql, type Kysely } from "kysely";
import { columns } from "./columns";
import type { Migration } from "./types";

export const migration003Alerts: Migration = {
  version: 3,
  name: "alerts",
  async up(db: Kysely<any>) {
    const t = columns(db);
    await db.schema
      .createTable("alert_rules")
      .addColumn("id", t.int, t.id)
      .addColumn("name", t.text, (c) => c.notNull().check(sql`length(name) between 1 and 100`))
      .addColumn("kind", t.text, (c) =>
        c.notNull().check(sql`kind in ('failures', 'queue_age', 'queue_no_worker', 'scheduler_no_leader')`),
      )
      // Empty: every queue. Only the queue kinds read it.
      .addColumn("queue", t.text, (c) => c.notNull().defaultTo(""))
      // failures: more than this many failures in the window; queue_age: seconds; others: unused (0).
      .addColumn("threshold", t.int, (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`threshold >= 0`),
      )
      // failures: the window in minutes; others: unused (0).
      .addColumn("window_min", t.int, (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`window_min >= 0`),
      )
      .addColumn("enabled", t.int, (c) =>
        c
          .notNull()
          .defaultTo(1)
          .check(sql`enabled in (0, 1)`),
      )
      .addColumn("state", t.text, (c) =>
        c
          .notNull()
          .defaultTo("ok")
          .check(sql`state in ('ok', 'firing')`),
      )
      .addColumn("state_seq", t.int, (c) => c.notNull().defaultTo(0))
      .addColumn("state_changed_at", t.int)
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("updated_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .execute();
    await db.schema.alterTable("notifications").addColumn("message_key", t.text).execute();
    await db.schema.alterTable("notifications").addColumn("message_vars", t.text).execute();
  },
};
