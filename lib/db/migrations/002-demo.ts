/**
 * 002 — the CRUD demo of the PHP original: products, users, notifications and CSV exports.
 * Prices are integer cents (no float rounding in sums or filters); times are epoch ms.
 */
import { sql, type Kysely } from "kysely";
import { columns } from "./columns";
import type { Migration } from "./types";

export const migration002Demo: Migration = {
  version: 2,
  name: "demo",
  async up(db: Kysely<any>) {
    const t = columns(db);
    await db.schema
      .createTable("products")
      .addColumn("id", t.int, t.id)
      .addColumn("name", t.text, (c) => c.notNull().check(sql`length(name) between 1 and 200`))
      .addColumn("price_cents", t.int, (c) => c.notNull().check(sql`price_cents between 0 and 100000000000`))
      .addColumn("category", t.text, (c) => c.notNull())
      .addColumn("status", t.text, (c) => c.notNull().check(sql`status in ('active', 'draft', 'archived')`))
      .addColumn("stock", t.int, (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`stock >= 0`),
      )
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("updated_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
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
      .addColumn("id", t.int, t.id)
      .addColumn("name", t.text, (c) => c.notNull().check(sql`length(name) between 1 and 100`))
      .addColumn("email", t.textNocase, (c) => c.notNull().unique())
      .addColumn("status", t.text, (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .execute();
    await db.schema.createIndex("users_status").on("users").columns(["status", "id"]).execute();
    await db.schema.createIndex("users_name").on("users").columns(["name", "id"]).execute();
    await db.schema.createIndex("users_created").on("users").columns(["created_at", "id"]).execute();

    await db.schema
      .createTable("notifications")
      .addColumn("id", t.int, t.id)
      // A demo user or a dashboard admin; no foreign key, so a notification outlives its recipient
      // row the way the audit log does, and a php producer's id is stored as given.
      .addColumn("recipient_type", t.text, (c) => c.notNull().check(sql`recipient_type in ('user', 'admin')`))
      .addColumn("recipient_id", t.int, (c) => c.notNull())
      .addColumn("message", t.text, (c) => c.notNull())
      .addColumn("download_url", t.text)
      .addColumn("read_at", t.int)
      // The Resque job that wrote it: a job run twice writes one notification.
      .addColumn("job_id", t.text, (c) => c.unique())
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
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
      .addColumn("id", t.int, t.id)
      .addColumn("admin_id", t.int)
      .addColumn("admin_email", t.text)
      .addColumn("filters", t.text, (c) => c.notNull())
      .addColumn("status", t.text, (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
      .addColumn("rows_written", t.int, (c) => c.notNull().defaultTo(0))
      .addColumn("rows_total", t.int)
      .addColumn("file", t.text)
      .addColumn("size_bytes", t.int)
      .addColumn("error", t.text)
      .addColumn("job_id", t.text)
      // Runs started; more than one means a worker died mid-export and the job ran again.
      .addColumn("attempts", t.int, (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", t.int, (c) => c.notNull().defaultTo(t.nowMs))
      .addColumn("started_at", t.int)
      .addColumn("finished_at", t.int)
      .execute();
    await db.schema.createIndex("exports_created").on("exports").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("exports_admin").on("exports").columns(["admin_id", "id"]).execute();
    await db.schema.createIndex("exports_status").on("exports").columns(["status", "id"]).execute();
  },
};
