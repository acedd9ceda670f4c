/**
 * Products of the CRUD demo: a filtered, sorted, paged list, and create / update / delete with
 * validation that answers per field (message keys, see demo-validation.ts) and writes nothing
 * when anything is wrong. Prices travel as yuan with two decimals and are stored as cents.
 */
import { z } from "zod";
import type { SelectQueryBuilder } from "kysely";
import { formatCents } from "../format";
import type { ProductStatus } from "./demo-types";
import {
  fieldErrorsFromIssues,
  invalid,
  listForMessage,
  parseIds,
  type Checked,
  type DemoMessageKey,
} from "./demo-validation";
import { findMissingIds } from "./ids";
import { idRows, textContains } from "./portable";
import type { Database, Db } from "./types";

export const PRODUCT_CATEGORIES = [
  "electronics",
  "home",
  "books",
  "clothing",
  "food",
  "toys",
  "sports",
  "beauty",
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];
export const PRODUCT_STATUSES: readonly ProductStatus[] = ["active", "draft", "archived"];
/** Sort keys; a leading `-` sorts descending (`-price`). Ties break on id, so pages never overlap. */
export const PRODUCT_SORTS = ["id", "name", "price", "stock", "created", "updated"] as const;
export type ProductSortKey = (typeof PRODUCT_SORTS)[number];
export type ProductSort = ProductSortKey | `-${ProductSortKey}`;

export const MAX_NAME_LENGTH = 200;
export const MAX_QUERY_LENGTH = 100;
const MAX_PRICE_CENTS = 100_000_000_000;
const MAX_STOCK = 1_000_000_000;

export interface Product {
  id: number;
  name: string;
  /** Yuan, two decimals: `12.5` is ¥12.50. */
  price: number;
  priceCents: number;
  category: string;
  status: ProductStatus;
  stock: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ProductFilter {
  /** Part of the name, or an exact id. */
  q?: string;
  category?: ProductCategory;
  status?: ProductStatus;
  priceMinCents?: number;
  priceMaxCents?: number;
  sort?: ProductSort;
}

export interface ProductPage {
  items: Product[];
  total: number;
  page: number;
  perPage: number;
}

/** `"12.5"`, `12.5`, `"¥1,299.00"` → 1250 / 129900 cents; anything else (or out of range) → null. */
export function parsePriceCents(value: unknown): number | null {
  let s: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    s = String(value);
  } else if (typeof value === "string")
    s = value
      .trim()
      .replace(/^[¥￥]/, "")
      .replace(/,/g, "");
  else return null;
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return cents <= MAX_PRICE_CENTS ? cents : null;
}

/** A form value that must be a whole number in range (string or number); null otherwise. */
function parseWhole(value: unknown, max: number): number | null {
  const s = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^\d{1,10}$/.test(s)) return null;
  const n = Number(s);
  return n <= max ? n : null;
}

const priceField = z.unknown().transform((v, ctx) => {
  const cents = parsePriceCents(v);
  if (cents === null) {
    ctx.addIssue({ code: "custom", message: "demo.product.price.invalid" });
    return z.NEVER;
  }
  return cents;
});

const stockField = z.unknown().transform((v, ctx) => {
  const n = parseWhole(v, MAX_STOCK);
  if (n === null) {
    ctx.addIssue({ code: "custom", message: "demo.product.stock.invalid" });
    return z.NEVER;
  }
  return n;
});

const productInput = z.object(
  {
    name: z
      .string({ error: "demo.product.name.required" })
      .trim()
      .min(1, { error: "demo.product.name.required" })
      .max(MAX_NAME_LENGTH, { error: "demo.product.name.tooLong" })
      // A NUL or an escape sequence in a name breaks the list, the CSV and terminals that show it.
      .regex(/^\P{Cc}*$/u, { error: "demo.product.name.control" }),
    price: priceField,
    category: z.enum(PRODUCT_CATEGORIES, { error: "demo.product.category.invalid" }),
    status: z.enum(["active", "draft", "archived"], { error: "demo.product.status.invalid" }),
    stock: stockField,
  },
  { error: "demo.invalid.notAnObject" },
);

export interface ProductInput {
  name: string;
  priceCents: number;
  category: ProductCategory;
  status: ProductStatus;
  stock: number;
}

const INPUT_VALUES: Partial<Record<DemoMessageKey, Record<string, number>>> = {
  "demo.product.name.tooLong": { max: MAX_NAME_LENGTH },
  "demo.filter.q.tooLong": { max: MAX_QUERY_LENGTH },
};

/** Form data (a plain object or FormData) → a valid product, or a problem per field. */
export function parseProductInput(input: unknown): Checked<ProductInput> {
  const obj = input instanceof FormData ? Object.fromEntries(input.entries()) : input;
  const r = productInput.safeParse(obj);
  if (!r.success) return { ok: false, fieldErrors: fieldErrorsFromIssues(r.error.issues, INPUT_VALUES) };
  const { name, price, category, status, stock } = r.data;
  return { ok: true, value: { name, priceCents: price, category, status, stock } };
}

const filterInput = z.object({
  q: z.string().trim().max(MAX_QUERY_LENGTH, { error: "demo.filter.q.tooLong" }).optional(),
  category: z.enum(PRODUCT_CATEGORIES, { error: "demo.product.category.invalid" }).optional(),
  status: z.enum(["active", "draft", "archived"], { error: "demo.product.status.invalid" }).optional(),
  priceMin: priceField.optional(),
  priceMax: priceField.optional(),
  sort: z
    .string({ error: "demo.filter.sort.invalid" })
    .refine((s) => (PRODUCT_SORTS as readonly string[]).includes(s.replace(/^-/, "")), {
      error: "demo.filter.sort.invalid",
    })
    .optional(),
});

/**
 * URL search params (or a php producer's `filters` map) → a ProductFilter. Empty values mean "no
 * filter"; unknown keys such as `page` are ignored; a malformed value is a problem on its field.
 */
export function parseProductFilter(
  input: Record<string, unknown> | URLSearchParams | null | undefined,
): Checked<ProductFilter> {
  const src = input instanceof URLSearchParams ? Object.fromEntries(input.entries()) : (input ?? {});
  if (typeof src !== "object" || Array.isArray(src)) return invalid("_form", "demo.invalid.notAnObject");
  const picked: Record<string, unknown> = {};
  for (const k of ["q", "category", "status", "priceMin", "priceMax", "sort"]) {
    const v = (src as Record<string, unknown>)[k];
    if (v !== undefined && v !== null && v !== "") picked[k] = Array.isArray(v) ? v[0] : v;
  }
  const r = filterInput.safeParse(picked);
  if (!r.success) return { ok: false, fieldErrors: fieldErrorsFromIssues(r.error.issues, INPUT_VALUES) };
  const f = r.data;
  if (f.priceMin !== undefined && f.priceMax !== undefined && f.priceMin > f.priceMax) {
    return invalid("priceMin", "demo.filter.priceRange");
  }
  const filter: ProductFilter = {};
  if (f.q) filter.q = f.q;
  if (f.category) filter.category = f.category;
  if (f.status) filter.status = f.status;
  if (f.priceMin !== undefined) filter.priceMinCents = f.priceMin;
  if (f.priceMax !== undefined) filter.priceMaxCents = f.priceMax;
  if (f.sort) filter.sort = f.sort as ProductSort;
  return { ok: true, value: filter };
}

/** The filter as URL params (prices back in yuan), for links that keep the current filters. */
export function productFilterToParams(f: ProductFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.q) out.q = f.q;
  if (f.category) out.category = f.category;
  if (f.status) out.status = f.status;
  if (f.priceMinCents !== undefined) out.priceMin = formatCents(f.priceMinCents);
  if (f.priceMaxCents !== undefined) out.priceMax = formatCents(f.priceMaxCents);
  if (f.sort) out.sort = f.sort;
  return out;
}

const SORT_COLUMNS: Record<ProductSortKey, "id" | "name" | "price_cents" | "stock" | "created_at" | "updated_at"> = {
  id: "id",
  name: "name",
  price: "price_cents",
  stock: "stock",
  created: "created_at",
  updated: "updated_at",
};

type ProductQuery<O> = SelectQueryBuilder<Database, "products", O>;

/** The WHERE of a filter. Shared by the list and the CSV export, so both select the same rows. */
export function whereProductFilter<O>(qb: ProductQuery<O>, f: ProductFilter): ProductQuery<O> {
  if (f.q) {
    const q = f.q;
    const byName = textContains("name", q);
    qb = /^\d{1,15}$/.test(q) ? qb.where((eb) => eb.or([byName, eb("id", "=", Number(q))])) : qb.where(byName);
  }
  if (f.category) qb = qb.where("category", "=", f.category);
  if (f.status) qb = qb.where("status", "=", f.status);
  if (f.priceMinCents !== undefined) qb = qb.where("price_cents", ">=", f.priceMinCents);
  if (f.priceMaxCents !== undefined) qb = qb.where("price_cents", "<=", f.priceMaxCents);
  return qb;
}

/** ORDER BY of a filter's sort (default: id ascending), with id as the tie-breaker. */
export function orderProducts<O>(qb: ProductQuery<O>, sort: ProductSort = "id"): ProductQuery<O> {
  const desc = sort.startsWith("-");
  const col = SORT_COLUMNS[sort.replace(/^-/, "") as ProductSortKey] ?? "id";
  qb = qb.orderBy(col, desc ? "desc" : "asc");
  return col === "id" ? qb : qb.orderBy("id", desc ? "desc" : "asc");
}

function toProduct(r: {
  id: number;
  name: string;
  price_cents: number;
  category: string;
  status: ProductStatus;
  stock: number;
  created_at: number;
  updated_at: number;
}): Product {
  return {
    id: r.id,
    name: r.name,
    price: r.price_cents / 100,
    priceCents: r.price_cents,
    category: r.category,
    status: r.status,
    stock: r.stock,
    createdAtMs: r.created_at,
    updatedAtMs: r.updated_at,
  };
}

function clampPage(page: number | undefined, perPage: number | undefined) {
  const pp = Math.min(100, Math.max(1, Math.trunc(Number(perPage ?? 20)) || 20));
  const p = Math.max(1, Math.trunc(Number(page ?? 1)) || 1);
  return { page: p, perPage: pp };
}

/** One page of products matching the filter, with the total: two indexed queries. */
export async function listProducts(
  db: Db,
  opts: ProductFilter & { page?: number; perPage?: number } = {},
): Promise<ProductPage> {
  const { page, perPage } = clampPage(opts.page, opts.perPage);
  const base = whereProductFilter(db.selectFrom("products"), opts);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    orderProducts(base.selectAll(), opts.sort)
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
  ]);
  return { items: rows.map(toProduct), total: Number(count.n), page, perPage };
}

export async function countProducts(db: Db, filter: ProductFilter = {}): Promise<number> {
  const row = await whereProductFilter(db.selectFrom("products"), filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getProduct(db: Db, id: number): Promise<Product | null> {
  const row = await db.selectFrom("products").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toProduct(row) : null;
}

export async function createProduct(
  db: Db,
  input: unknown,
  opts: { now?: () => number } = {},
): Promise<Checked<Product>> {
  const parsed = parseProductInput(input);
  if (!parsed.ok) return parsed;
  return { ok: true, value: await insertProduct(db, parsed.value, opts) };
}

/** Stores a product already checked by parseProductInput. */
export async function insertProduct(db: Db, v: ProductInput, opts: { now?: () => number } = {}): Promise<Product> {
  const now = (opts.now ?? Date.now)();
  const row = await db
    .insertInto("products")
    .values({
      name: v.name,
      price_cents: v.priceCents,
      category: v.category,
      status: v.status,
      stock: v.stock,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProduct(row);
}

export async function updateProduct(
  db: Db,
  id: unknown,
  input: unknown,
  opts: { now?: () => number } = {},
): Promise<Checked<Product>> {
  const ids = parseIds([id]);
  if (!ids.ok) return ids;
  const parsed = parseProductInput(input);
  if (!parsed.ok) return parsed;
  const product = await rewriteProduct(db, ids.value[0]!, parsed.value, opts);
  if (!product) return invalid("_form", "demo.product.notFound", { id: ids.value[0]! });
  return { ok: true, value: product };
}

/** Rewrites a product with values already checked by parseProductInput; null when there is no such product. */
export async function rewriteProduct(
  db: Db,
  id: number,
  v: ProductInput,
  opts: { now?: () => number } = {},
): Promise<Product | null> {
  const row = await db
    .updateTable("products")
    .set({
      name: v.name,
      price_cents: v.priceCents,
      category: v.category,
      status: v.status,
      stock: v.stock,
      updated_at: (opts.now ?? Date.now)(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ? toProduct(row) : null;
}

/**
 * Deletes the selected products: all of them, or none when any id is malformed or unknown (the
 * refusal names them). Returns how many were deleted.
 */
export async function deleteProducts(db: Db, input: unknown): Promise<Checked<{ deleted: number; ids: number[] }>> {
  const ids = parseIds(input);
  if (!ids.ok) return ids;
  return db.transaction().execute(async (trx) => {
    const missing = await findMissingIds(trx, "products", ids.value);
    if (missing.length) return invalid("ids", "demo.products.unknown", { ids: listForMessage(missing) });
    const res = await trx.deleteFrom("products").where("id", "in", idRows(trx, ids.value)).executeTakeFirst();
    return { ok: true as const, value: { deleted: Number(res.numDeletedRows), ids: ids.value } };
  });
}
