/**
 * 002 — the CRUD demo of the PHP original: products, users, notifications and CSV exports.
 * Prices are integer cents (no float rounding in sums or filters); times are epoch ms.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "./types";

const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const migration002Demo: Migration = {
  version: 2,
  name: "demo",
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("products")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 200`))
      .addColumn("price_cents", "integer", (c) => c.notNull().check(sql`price_cents between 0 and 100000000000`))
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'draft', 'archived')`))
      .addColumn("stock", "integer", (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`stock >= 0`),
      )
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("updated_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .execute();
    // Filters are category / status equality plus a price range, sorted by one column: one
    // index per sort key, with the usual equality filters in front where they pay off.
    await db.schema
      .createIndex("products_category_price")
      .on("products")
      .columns(["category", "price_cents"])
      .execute();
    await db.schema.createIndex("products_status_price").on("products").columns(["status", "price_cents"]).execute();
    await db.schema.createIndex("products_price").on("products").columns(["price_cents", "id"]).execute();
    await db.schema.createIndex("products_stock").on("products").columns(["stock", "id"]).execute();
    await db.schema.createIndex("products_name").on("products").columns(["name", "id"]).execute();
    await db.schema.createIndex("products_created").on("products").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("products_updated").on("products").columns(["updated_at", "id"]).execute();

    await db.schema
      .createTable("users")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 100`))
      .addColumn("email", sql`text collate nocase`, (c) => c.notNull().unique())
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .execute();
    await db.schema.createIndex("users_status").on("users").columns(["status", "id"]).execute();
    await db.schema.createIndex("users_name").on("users").columns(["name", "id"]).execute();
    await db.schema.createIndex("users_created").on("users").columns(["created_at", "id"]).execute();

    await db.schema
      .createTable("notifications")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      // A demo user or a dashboard admin; no foreign key, so a notification outlives its recipient
      // row the way the audit log does, and a php producer's id is stored as given.
      .addColumn("recipient_type", "text", (c) => c.notNull().check(sql`recipient_type in ('user', 'admin')`))
      .addColumn("recipient_id", "integer", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("download_url", "text")
      .addColumn("read_at", "integer")
      // The Resque job that wrote it: a job run twice writes one notification.
      .addColumn("job_id", "text", (c) => c.unique())
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .execute();
    await db.schema
      .createIndex("notifications_recipient")
      .on("notifications")
      .columns(["recipient_type", "recipient_id", "id"])
      .execute();
    // Serves the bell's unread count without reading the recipient's whole history.
    await db.schema
      .createIndex("notifications_unread")
      .on("notifications")
      .columns(["recipient_type", "recipient_id"])
      .where(sql.ref("read_at"), "is", null)
      .execute();

    await db.schema
      .createTable("exports")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("admin_id", "integer")
      .addColumn("admin_email", "text")
      .addColumn("filters", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
      .addColumn("rows_written", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("rows_total", "integer")
      .addColumn("file", "text")
      .addColumn("size_bytes", "integer")
      .addColumn("error", "text")
      .addColumn("job_id", "text")
      // Runs started; more than one means a worker died mid-export and the job ran again.
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "integer", (c) => c.notNull().defaultTo(nowMs))
      .addColumn("started_at", "integer")
      .addColumn("finished_at", "integer")
      .execute();
    await db.schema.createIndex("exports_created").on("exports").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("exports_admin").on("exports").columns(["admin_id", "id"]).execute();
    await db.schema.createIndex("exports_status").on("exports").columns(["status", "id"]).execute();
  },
};
