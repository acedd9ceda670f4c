/**
 * 001 — accounts, sessions, sign-in throttling, the audit log and key/value settings.
 * Times are epoch milliseconds (see ../types.ts); defaults let hand-written inserts omit them.
 */
import { sql, type Kysely } from "kysely";
import { columns } from "./columns";
import type { Migration } from "./types";

export const migration001Auth: Migration = {
  version: 1,
  name: "auth",
  // Kysely<any>: a migration is frozen in time and must not follow later edits of types.ts.
  async up(db: Kysely<any>) {
    const t = columns(db);
    // citext ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may
    // create it. It gives emails SQLite's COLLATE NOCASE: case-insensitive =, UNIQUE and LIKE.
    if (t.pg) await sql`create extension if not exists citext`.execute(db);
    await db.schema
      .createTable("admins")
      .addColumn("id", t.int, t.id)
      .addColumn("email", t.textNocase, (c) => c.notNull().unique())
      .addColumn("password_hash", t.text, (c) => c.notNull())
      .addColumn("role", t.text, (c) => c.notNull().check(sql`role in ('admin', 'viewer')`))
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("updated_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("last_sign_in_at", t.int)
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", t.text, (c) => c.primaryKey())
      .addColumn("admin_id", t.int, (c) => c.notNull().references("admins.id").onDelete("cascade"))
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("expires_at", t.int, (c) => c.notNull())
      .addColumn("last_seen_at", t.int, (c) => c.notNull())
      .addColumn("user_agent", t.text)
      .addColumn("ip", t.text)
      .execute();
    await db.schema.createIndex("sessions_admin_id").on("sessions").column("admin_id").execute();
    await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();

    await db.schema
      .createTable("sign_in_attempts")
      .addColumn("key", t.text, (c) => c.notNull())
      .addColumn("attempted_at", t.int, (c) => c.notNull())
      .addColumn("success", t.int, (c) => c.notNull().check(sql`success in (0, 1)`))
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
      .addColumn("id", t.int, t.id)
      .addColumn("at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("actor_id", t.int)
      .addColumn("actor_email", t.textNocase)
      .addColumn("action", t.text, (c) => c.notNull())
      .addColumn("target", t.text)
      .addColumn("items", t.text)
      .addColumn("result", t.text, (c) => c.notNull())
      .addColumn("detail", t.text)
      .addColumn("ip", t.text)
      .execute();
    await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at", "id"]).execute();
    await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "at"]).execute();
    await db.schema.createIndex("audit_log_actor_email").on("audit_log").columns(["actor_email", "at"]).execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", t.text, (c) => c.primaryKey())
      .addColumn("value", t.text, (c) => c.notNull())
      .execute();
  },
};
