/**
 * 001 — accounts, sessions, sign-in throttling, the audit log and key/value settings.
 * Times are epoch milliseconds (see ../types.ts); defaults let hand-written inserts omit them.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "./types";

// SQLite ≥ 3.42 (better-sqlite3 12 bundles 3.5x): current time in whole milliseconds.
const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const migration001Auth: Migration = {
  version: 1,
  name: "auth",
  // Kysely<any>: a migration is frozen in time and must not follow later edits of types.ts.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("admins")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("email", sql`text collate nocase`, (c) => c.notNull().unique())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'viewer')`))
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("updated_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("last_sign_in_at", "integer")
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("admin_id", "integer", (c) => c.notNull().references("admins.id").onDelete("cascade"))
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("expires_at", "integer", (c) => c.notNull())
      .addColumn("last_seen_at", "integer", (c) => c.notNull())
      .addColumn("user_agent", "text")
      .addColumn("ip", "text")
      .execute();
    await db.schema.createIndex("sessions_admin_id").on("sessions").column("admin_id").execute();
    await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();

    await db.schema
      .createTable("sign_in_attempts")
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("attempted_at", "integer", (c) => c.notNull())
      .addColumn("success", "integer", (c) => c.notNull().check(sql`success in (0, 1)`))
      .execute();
    // Serves both the throttle count (key, success, time window) and the prune (by time).
    await db.schema
      .createIndex("sign_in_attempts_key_at")
      .on("sign_in_attempts")
      .columns(["key", "success", "attempted_at"])
      .execute();
    await db.schema.createIndex("sign_in_attempts_at").on("sign_in_attempts").column("attempted_at").execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("actor_id", "integer")
      .addColumn("actor_email", sql`text collate nocase`)
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target", "text")
      .addColumn("items", "text")
      .addColumn("result", "text", (c) => c.notNull())
      .addColumn("detail", "text")
      .addColumn("ip", "text")
      .execute();
    await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at", "id"]).execute();
    await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "at"]).execute();
    await db.schema.createIndex("audit_log_actor_email").on("audit_log").columns(["actor_email", "at"]).execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
};
