/**
 * 004 — the audit log records which host acted (issue 13 item 4): with several web hosts behind
 * a load balancer, "who did what" also needs "where". Rows written before this migration keep
 * an empty host (null); the page shows them as "–".
 */
import type { Kysely } from "kysely";
import { columns } from "./columns";
import type { Migration } from "./types";

export const migration004AuditHost: Migration = {
  version: 4,
  name: "audit-host",
  async up(db: Kysely<any>) {
    const t = columns(db);
    await db.schema.alterTable("audit_log").addColumn("host", t.text).execute();
    // Serves the page's host filter the way audit_log_actor_email serves the actor filter.
    await db.schema.createIndex("audit_log_host").on("audit_log").columns(["host", "at"]).execute();
  },
};
