/**
 * The demo's data layer on a real SQLite file: migration 002, the seed, product filters and
 * sorts, validation (malformed input answers per field and changes nothing), notifications.
 */
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  checkUserIds,
  countUnread,
  createNotification,
  createProduct,
  deleteProducts,
  describeInvalid,
  dialectOf,
  listNotifications,
  listProducts,
  listUsers,
  markNotificationsRead,
  parseProductFilter,
  seedDemo,
  updateProduct,
  type Db,
  type Invalid,
  type Product,
} from "@/lib/db";
import { newTestDatabase, useTempDb } from "../helpers/db";

const t = useTempDb("demo-data");

/** Everything in the demo tables, as one string: "nothing changed" is this staying equal. */
async function snapshot(db: Db): Promise<string> {
  const [p, u, n] = await Promise.all([
    db.selectFrom("products").selectAll().orderBy("id").execute(),
    db.selectFrom("users").selectAll().orderBy("id").execute(),
    db.selectFrom("notifications").selectAll().orderBy("id").execute(),
  ]);
  return JSON.stringify([p, u, n]);
}

describe("migration 002 and the seed", () => {
  it("creates the demo tables with an index for each filter and sort", async () => {
    const pg = dialectOf(t.db) === "postgres";
    const idx = pg
      ? await sql<{ name: string; tbl_name: string }>`select indexname as name, tablename as tbl_name from pg_indexes
          where schemaname = current_schema() and indexname not like '%_pkey' and indexname not like '%_key'`.execute(
          t.db,
        )
      : await sql<{
          name: string;
          tbl_name: string;
        }>`select name, tbl_name from sqlite_master where type = 'index' and name not like 'sqlite_%'`.execute(t.db);
    const names = idx.rows
      .filter((r) => r.tbl_name === "products")
      .map((r) => r.name)
      .sort();
    expect(names).toEqual([
      "products_category_price",
      "products_created",
      "products_name",
      "products_price",
      "products_status_price",
      "products_stock",
      "products_updated",
    ]);
    // The list's default page is served by an index, not a scan of the table. (PostgreSQL's
    // planner rightly scans a table this small: its plan says nothing about 10,000 rows.)
    if (pg) return;
    const plan = await sql<{
      detail: string;
    }>`explain query plan select * from products where category = 'books' order by price_cents limit 20`.execute(t.db);
    expect(plan.rows.map((r) => r.detail).join(" ")).toMatch(/USING INDEX products_category_price/);
  });

  it("seeds 10,000 products and 500 users with Chinese and English names, once, the same on every machine", async () => {
    const first = await seedDemo(t.db);
    expect(first).toEqual({ seeded: true, products: 10_000, users: 500 });
    const products = await t.db.selectFrom("products").selectAll().orderBy("id").execute();
    const users = await t.db.selectFrom("users").selectAll().orderBy("id").execute();
    expect(products).toHaveLength(10_000);
    expect(users).toHaveLength(500);
    const cjk = /[\u4e00-\u9fff]/;
    expect(products.filter((p) => cjk.test(p.name)).length).toBeGreaterThan(3000);
    expect(products.filter((p) => /^[A-Z][a-z]+ /.test(p.name)).length).toBeGreaterThan(3000);
    expect(users.filter((u) => cjk.test(u.name)).length).toBeGreaterThan(150);
    expect(users.filter((u) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.name)).length).toBeGreaterThan(150);
    expect(new Set(products.map((p) => p.category)).size).toBe(8);
    expect(new Set(products.map((p) => p.status))).toEqual(new Set(["active", "draft", "archived"]));
    // Some names start the way spreadsheets read as formulas, for the export to neutralise.
    expect(products.some((p) => /^[=+\-@]/.test(p.name))).toBe(true);

    // Idempotent: deleting demo rows and seeding again brings nothing back.
    await t.db.deleteFrom("products").where("id", "<=", 10).execute();
    expect(await seedDemo(t.db)).toEqual({ seeded: false, products: 0, users: 0 });
    expect(
      await t.db
        .selectFrom("products")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 9_990 });

    // Deterministic: the same rows (times included) from a second, independent seed.
    const { openDb, migrate } = await import("@/lib/db");
    const otherDatabase = await newTestDatabase(path.join(t.dir, "other"));
    const other = openDb(otherDatabase.url);
    try {
      await migrate(other);
      await seedDemo(other, { products: 200, users: 20 });
      const again = await other.selectFrom("products").selectAll().orderBy("id").execute();
      expect(again.map((p) => ({ ...p }))).toEqual(products.slice(0, 200).map((p) => ({ ...p, id: p.id })));
      expect(await other.selectFrom("users").selectAll().orderBy("id").execute()).toEqual(users.slice(0, 20));
    } finally {
      await other.destroy();
      await otherDatabase.drop();
    }
  });
});

describe("product list", () => {
  const all = () => t.db.selectFrom("products").selectAll().orderBy("id").execute();

  it("filters by search, category, status and price range, sorts, and pages with the total", async () => {
    await seedDemo(t.db, { products: 2_000, users: 10 });
    const rows = await all();
    const f = parseProductFilter(
      new URLSearchParams("category=books&status=active&priceMin=20&priceMax=150.5&sort=-price"),
    );
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    const expected = rows
      .filter((r) => r.category === "books" && r.status === "active" && r.price_cents >= 2000 && r.price_cents <= 15050)
      .sort((a, b) => b.price_cents - a.price_cents || b.id - a.id);
    const page2 = await listProducts(t.db, { ...f.value, page: 2, perPage: 20 });
    expect(page2.total).toBe(expected.length);
    expect(page2.items.map((p) => p.id)).toEqual(expected.slice(20, 40).map((r) => r.id));
    expect(page2.items[0]!.price).toBe(expected[20]!.price_cents / 100);

    // Search: a part of the name (Chinese too), literal % and _, or an exact id.
    const zh = await listProducts(t.db, { q: "保温杯", perPage: 100 });
    expect(zh.total).toBe(rows.filter((r) => r.name.includes("保温杯")).length);
    expect(zh.total).toBeGreaterThan(0);
    expect((await listProducts(t.db, { q: "%" })).total).toBe(0);
    expect((await listProducts(t.db, { q: "_" })).total).toBe(0);
    const byId = await listProducts(t.db, { q: "1234" });
    expect(byId.items.map((p) => p.id)).toContain(1234);

    // Every sort key, both ways, agrees with sorting in JS (ties broken by id).
    const cols = {
      name: "name",
      price: "price_cents",
      stock: "stock",
      created: "created_at",
      updated: "updated_at",
    } as const;
    for (const [key, col] of Object.entries(cols)) {
      for (const desc of [false, true]) {
        const got = await listProducts(t.db, { sort: (desc ? `-${key}` : key) as "name", perPage: 50 });
        const want = [...rows]
          .sort((a, b) => {
            const x = a[col] as string | number;
            const y = b[col] as string | number;
            const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
            return desc ? -c : c;
          })
          .slice(0, 50)
          .map((r) => r.id);
        expect(
          got.items.map((p) => p.id),
          `${desc ? "-" : ""}${key}`,
        ).toEqual(want);
      }
    }
    // A page past the end is empty but keeps the total; perPage is capped.
    const far = await listProducts(t.db, { page: 10_000, perPage: 5000 });
    expect(far).toMatchObject({ items: [], total: 2_000, perPage: 100 });
  });

  it("users: search by name, email or id, paged", async () => {
    await seedDemo(t.db, { products: 10, users: 120 });
    const page = await listUsers(t.db, { q: "example.cn", perPage: 10 });
    expect(page.total).toBeGreaterThan(20);
    expect(page.items.every((u) => u.email.endsWith("@example.cn"))).toBe(true);
    expect((await listUsers(t.db, { q: "7" })).items.some((u) => u.id === 7)).toBe(true);
  });
});

describe("validation: malformed input gets a message per field and changes nothing", () => {
  const good = { name: "云帆 保温杯 A1", price: "59.90", category: "home", status: "active", stock: "12" };

  it("refuses 27 malformed product forms, id lists and selections, each with a clear message, leaving the database as it was", async () => {
    await seedDemo(t.db, { products: 50, users: 20 });
    const before = await snapshot(t.db);
    const cases: [string, () => Promise<{ ok: boolean; fieldErrors?: object }>, string, RegExp][] = [
      ["price not a number", () => createProduct(t.db, { ...good, price: "abc" }), "price", /Enter a price/],
      ["negative price", () => createProduct(t.db, { ...good, price: "-1" }), "price", /from 0/],
      ["three decimals", () => createProduct(t.db, { ...good, price: "1.999" }), "price", /two decimals/],
      ["huge price", () => createProduct(t.db, { ...good, price: "1e12" }), "price", /Enter a price/],
      ["price as boolean", () => createProduct(t.db, { ...good, price: true }), "price", /Enter a price/],
      ["price NaN", () => createProduct(t.db, { ...good, price: Number.NaN }), "price", /Enter a price/],
      ["name too long", () => createProduct(t.db, { ...good, name: "长".repeat(201) }), "name", /longer than 200/],
      ["name blank", () => createProduct(t.db, { ...good, name: "   " }), "name", /Enter a name/],
      [
        "name missing",
        () => createProduct(t.db, { price: "1", category: "home", status: "active", stock: "1" }),
        "name",
        /Enter a name/,
      ],
      ["name as number", () => createProduct(t.db, { ...good, name: 42 }), "name", /Enter a name/],
      ["name as array", () => createProduct(t.db, { ...good, name: ["a"] }), "name", /Enter a name/],
      ["unknown category", () => createProduct(t.db, { ...good, category: "weapons" }), "category", /categories/],
      ["status missing", () => createProduct(t.db, { ...good, status: undefined }), "status", /Choose a status/],
      ["stock fractional", () => createProduct(t.db, { ...good, stock: "1.5" }), "stock", /whole number/],
      ["stock negative", () => createProduct(t.db, { ...good, stock: -3 }), "stock", /whole number/],
      ["not an object", () => createProduct(t.db, "name=x"), "_form", /missing or malformed/],
      ["null body", () => createProduct(t.db, null), "_form", /missing or malformed/],
      ["update of an unknown id", () => updateProduct(t.db, 999_999, good), "_form", /no product with id 999999/],
      ["update with a malformed id", () => updateProduct(t.db, "1; drop table products", good), "ids", /not valid ids/],
      ["delete nothing selected", () => deleteProducts(t.db, ""), "ids", /Select at least one/],
      [
        "delete foreign ids",
        () => deleteProducts(t.db, "1,2,999998,999999"),
        "ids",
        /no products with these ids: 999998, 999999/,
      ],
      [
        "delete malformed ids",
        () => deleteProducts(t.db, ["3", "abc", "-4", "5.5"]),
        "ids",
        /not valid ids: "abc", "-4", "5.5"/,
      ],
      [
        "delete too many",
        () =>
          deleteProducts(
            t.db,
            Array.from({ length: 10_001 }, (_, i) => i + 1),
          ),
        "ids",
        /At most 10000 rows at once; 10001/,
      ],
      ["send to nobody", () => checkUserIds(t.db, []), "ids", /Select the users to send to/],
      ["send to foreign users", () => checkUserIds(t.db, [1, 2, 424242]), "ids", /no users with these ids: 424242/],
      [
        "filter with reversed price range",
        async () => parseProductFilter({ priceMin: "100", priceMax: "5" }),
        "priceMin",
        /lowest price is above/,
      ],
      ["filter with an unknown sort", async () => parseProductFilter({ sort: "-password" }), "sort", /Unknown sort/],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const [label, run, field, message] of cases) {
      const r = await run();
      expect(r.ok, label).toBe(false);
      const errors = (r as Invalid).fieldErrors;
      expect(Object.keys(errors), label).toContain(field);
      expect(describeInvalid(errors), label).toMatch(message);
    }
    expect(await snapshot(t.db)).toBe(before);

    // The same forms in their valid shape do write, so the refusals above were not a dead end.
    const created = await createProduct(t.db, { ...good, price: "¥1,299.5" });
    expect(created.ok && (created.value as Product).priceCents).toBe(129_950);
    const deleted = await deleteProducts(t.db, "1, 2 ,2");
    expect(deleted).toEqual({ ok: true, value: { deleted: 2, ids: [1, 2] } });
    expect((await checkUserIds(t.db, ["3", 4])).ok).toBe(true);
  });

  it("zh-CN keeps the PHP original's message for an empty selection", async () => {
    const r = await checkUserIds(t.db, "");
    const { translator } = await import("@/lib/i18n");
    expect(!r.ok && translator("zh-CN")(r.fieldErrors.ids!.key)).toBe("请选择要发送的用户");
  });
});

describe("notifications", () => {
  it("refuses a download link that is not one of our export paths, and stores nothing", async () => {
    for (const url of [
      "/\\evil.example/x.csv",
      "//evil.example/x.csv",
      "https://evil.example/x.csv",
      "javascript:alert(1)",
    ]) {
      await expect(
        createNotification(t.db, { recipient: { type: "admin", id: 9 }, message: "x", downloadUrl: url }),
        url,
      ).rejects.toThrow(/export folder/);
    }
    expect((await listNotifications(t.db, { type: "admin", id: 9 })).total).toBe(0);
  });

  it("one per job id, newest first, with an unread count that mark-read clears", async () => {
    const admin = { type: "admin" as const, id: 7 };
    const a = await createNotification(t.db, {
      recipient: admin,
      message: "导出完成: a.csv",
      downloadUrl: "/uploads/export/a.csv",
      jobId: "j1",
    });
    const again = await createNotification(t.db, { recipient: admin, message: "something else", jobId: "j1" });
    expect(a.created).toBe(true);
    expect(again).toEqual({ created: false, notification: a.notification });
    await createNotification(t.db, { recipient: admin, message: "second", jobId: "j2" });
    await createNotification(t.db, { recipient: { type: "user", id: 7 }, message: "for the user with the same id" });
    const page = await listNotifications(t.db, admin);
    expect(page.items.map((n) => n.message)).toEqual(["second", "导出完成: a.csv"]);
    expect(page).toMatchObject({ total: 2, unread: 2 });
    expect(await markNotificationsRead(t.db, admin, [a.notification.id])).toBe(1);
    expect(await countUnread(t.db, admin)).toBe(1);
    expect(await markNotificationsRead(t.db, admin, "all")).toBe(1);
    expect(await countUnread(t.db, admin)).toBe(0);
    expect(await countUnread(t.db, { type: "user", id: 7 })).toBe(1);
  });
});
