/**
 * Demo data for the CRUD pages: 10,000 products and 500 users, with Chinese and English names.
 * Deterministic (row i is a pure function of i, so every machine gets the same data), written in
 * one transaction, and skipped when the database was seeded before — even if the demo rows have
 * since been edited or deleted, a restart never brings them back.
 *
 * A few product names begin with `+`, `-`, `@` or `=`, as real ones do ("+86 …", "-18℃ …"):
 * spreadsheet programs read such cells as formulas, which is what the CSV export neutralises.
 */
import { sql } from "kysely";
import type { ProductStatus, UserStatus } from "./demo-types";
import type { ProductCategory } from "./products";
import type { Db } from "./types";

export const DEMO_PRODUCTS = 10_000;
export const DEMO_USERS = 500;
const SEEDED_KEY = "demo.seeded_at";
/** 2025-01-01T00:00:00Z: demo rows are dated from here, not from "now", to stay deterministic. */
const BASE_MS = Date.UTC(2025, 0, 1);

/** Integer hash → [0, 1): row i's k-th random number (splitmix32-style mixing). */
function rand(i: number, k: number): number {
  let h = (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length)]!;

const NOUNS: Record<ProductCategory, { zh: string[]; en: string[]; minYuan: number; maxYuan: number }> = {
  electronics: {
    zh: ["无线蓝牙耳机", "机械键盘", "移动电源", "智能手表", "显示器", "路由器", "平板电脑", "充电器"],
    en: [
      "Wireless Earbuds",
      "Mechanical Keyboard",
      "Power Bank",
      "Smart Watch",
      "Monitor",
      "Router",
      "Tablet",
      "Charger",
    ],
    minYuan: 29,
    maxYuan: 5999,
  },
  home: {
    zh: ["保温杯", "收纳盒", "台灯", "四件套", "抱枕", "电饭煲", "拖鞋", "香薰机"],
    en: [
      "Vacuum Flask",
      "Storage Box",
      "Desk Lamp",
      "Bedding Set",
      "Cushion",
      "Rice Cooker",
      "Slippers",
      "Aroma Diffuser",
    ],
    minYuan: 9,
    maxYuan: 899,
  },
  books: {
    zh: ["长篇小说", "历史读本", "编程指南", "儿童绘本", "散文集", "诗选", "家常菜谱", "旅行手册"],
    en: [
      "Novel",
      "History Reader",
      "Programming Guide",
      "Picture Book",
      "Essay Collection",
      "Poems",
      "Cookbook",
      "Travel Guide",
    ],
    minYuan: 12,
    maxYuan: 199,
  },
  clothing: {
    zh: ["T恤", "牛仔裤", "羽绒服", "卫衣", "衬衫", "连衣裙", "运动裤", "针织衫"],
    en: ["T-Shirt", "Jeans", "Down Jacket", "Hoodie", "Shirt", "Dress", "Joggers", "Cardigan"],
    minYuan: 39,
    maxYuan: 1299,
  },
  food: {
    zh: ["绿茶", "坚果礼盒", "咖啡豆", "月饼", "牛肉干", "蜂蜜", "挂面", "红枣"],
    en: ["Green Tea", "Nut Gift Box", "Coffee Beans", "Mooncakes", "Beef Jerky", "Honey", "Noodles", "Red Dates"],
    minYuan: 5,
    maxYuan: 399,
  },
  toys: {
    zh: ["积木", "拼图", "遥控车", "毛绒熊", "魔方", "风筝", "画板", "模型飞机"],
    en: [
      "Building Blocks",
      "Jigsaw Puzzle",
      "RC Car",
      "Teddy Bear",
      "Puzzle Cube",
      "Kite",
      "Drawing Board",
      "Model Plane",
    ],
    minYuan: 9,
    maxYuan: 699,
  },
  sports: {
    zh: ["瑜伽垫", "跑鞋", "羽毛球拍", "篮球", "哑铃", "登山包", "泳镜", "跳绳"],
    en: [
      "Yoga Mat",
      "Running Shoes",
      "Badminton Racket",
      "Basketball",
      "Dumbbells",
      "Hiking Backpack",
      "Swim Goggles",
      "Jump Rope",
    ],
    minYuan: 15,
    maxYuan: 1599,
  },
  beauty: {
    zh: ["面霜", "洗面奶", "口红", "防晒霜", "面膜", "精华液", "护手霜", "香水"],
    en: ["Face Cream", "Cleanser", "Lipstick", "Sunscreen", "Sheet Mask", "Serum", "Hand Cream", "Perfume"],
    minYuan: 19,
    maxYuan: 999,
  },
};
const CATEGORIES = Object.keys(NOUNS) as ProductCategory[];
const BRANDS = {
  zh: ["星辰", "青木", "云帆", "北极光", "晨曦", "山海", "竹影", "暖阳"],
  en: ["Northwind", "Bluepeak", "Evergreen", "Silverline", "Sunrise", "Harbor", "Maple", "Nova"],
};
const ADJECTIVES = {
  zh: ["经典", "轻薄", "加厚", "便携", "升级版", "复古", "简约", "豪华"],
  en: ["Classic", "Slim", "Thick", "Portable", "Upgraded", "Retro", "Minimal", "Deluxe"],
};
/** Real-world name starts that spreadsheets take for formulas. */
const FORMULA_LIKE = ["+86 ", "-18℃ ", "@Home ", "=Equal "];

export interface DemoProductRow {
  name: string;
  price_cents: number;
  category: ProductCategory;
  status: ProductStatus;
  stock: number;
  created_at: number;
  updated_at: number;
}

/** Demo product number `i` (0-based). Pure: the bench seeds a million rows with it. */
export function demoProductRow(i: number): DemoProductRow {
  const category = pick(CATEGORIES, rand(i, 1));
  const nouns = NOUNS[category];
  const zh = rand(i, 2) < 0.5;
  const model = `${String.fromCharCode(65 + Math.floor(rand(i, 3) * 26))}${1 + Math.floor(rand(i, 4) * 99)}`;
  let name = zh
    ? `${pick(BRANDS.zh, rand(i, 5))} ${pick(ADJECTIVES.zh, rand(i, 6))}${pick(nouns.zh, rand(i, 7))} ${model}`
    : `${pick(BRANDS.en, rand(i, 5))} ${pick(ADJECTIVES.en, rand(i, 6))} ${pick(nouns.en, rand(i, 7))} ${model}`;
  if (i % 97 === 13) name = FORMULA_LIKE[Math.floor(i / 97) % FORMULA_LIKE.length] + name;
  const yuan = nouns.minYuan + Math.floor(rand(i, 8) * (nouns.maxYuan - nouns.minYuan));
  const cents = yuan * 100 + pick([0, 0, 50, 90, 99], rand(i, 9));
  const s = rand(i, 10);
  const status: ProductStatus = s < 0.8 ? "active" : s < 0.92 ? "draft" : "archived";
  const stock = rand(i, 11) < 0.05 ? 0 : Math.floor(rand(i, 12) * 5000);
  const created = BASE_MS + i * 25 * 60_000 + Math.floor(rand(i, 13) * 20 * 60_000);
  const updated = created + Math.floor(rand(i, 14) * 30 * 86_400_000);
  return { name, price_cents: cents, category, status, stock, created_at: created, updated_at: updated };
}

const SURNAMES: [string, string][] = [
  ["王", "wang"],
  ["李", "li"],
  ["张", "zhang"],
  ["刘", "liu"],
  ["陈", "chen"],
  ["杨", "yang"],
  ["赵", "zhao"],
  ["黄", "huang"],
  ["周", "zhou"],
  ["吴", "wu"],
  ["徐", "xu"],
  ["孙", "sun"],
  ["胡", "hu"],
  ["朱", "zhu"],
  ["高", "gao"],
  ["林", "lin"],
];
const GIVEN: [string, string][] = [
  ["伟", "wei"],
  ["芳", "fang"],
  ["娜", "na"],
  ["秀英", "xiuying"],
  ["敏", "min"],
  ["静", "jing"],
  ["丽", "li"],
  ["强", "qiang"],
  ["磊", "lei"],
  ["军", "jun"],
  ["洋", "yang"],
  ["勇", "yong"],
  ["艳", "yan"],
  ["杰", "jie"],
  ["涛", "tao"],
  ["明", "ming"],
  ["超", "chao"],
  ["霞", "xia"],
  ["晓东", "xiaodong"],
  ["雨桐", "yutong"],
  ["子轩", "zixuan"],
  ["欣怡", "xinyi"],
  ["浩然", "haoran"],
  ["梓涵", "zihan"],
];
const FIRST = [
  "Emma",
  "Liam",
  "Olivia",
  "Noah",
  "Ava",
  "James",
  "Sophia",
  "Lucas",
  "Mia",
  "Ethan",
  "Amelia",
  "Mason",
  "Harper",
  "Logan",
  "Ella",
  "Oliver",
];
const LAST = [
  "Smith",
  "Johnson",
  "Brown",
  "Taylor",
  "Wilson",
  "Clark",
  "Lewis",
  "Walker",
  "Hall",
  "Young",
  "King",
  "Wright",
  "Green",
  "Baker",
  "Adams",
  "Nelson",
];

export interface DemoUserRow {
  name: string;
  email: string;
  status: UserStatus;
  created_at: number;
}

/** Demo user number `i` (0-based); the number in the email keeps every address unique. */
export function demoUserRow(i: number): DemoUserRow {
  const n = i + 1;
  let name: string;
  let email: string;
  if (rand(i, 21) < 0.5) {
    const [s, sp] = pick(SURNAMES, rand(i, 22));
    const [g, gp] = pick(GIVEN, rand(i, 23));
    name = s + g;
    email = `${gp}.${sp}${n}@example.cn`;
  } else {
    const first = pick(FIRST, rand(i, 22));
    const last = pick(LAST, rand(i, 23));
    name = `${first} ${last}`;
    email = `${first}.${last}${n}@example.com`.toLowerCase();
  }
  const status: UserStatus = rand(i, 24) < 0.95 ? "active" : "disabled";
  return { name, email, status, created_at: BASE_MS + i * 11 * 3_600_000 };
}

export interface SeedResult {
  /** False when the database had been seeded before (nothing written). */
  seeded: boolean;
  products: number;
  users: number;
}

/** Rows per INSERT: 7 columns × 1,000 stays far below SQLite's 32,766 bound variables. */
const BATCH = 1000;

/**
 * Seeds the demo tables once, in one transaction (about 0.3 s for the default counts). The
 * marker is written in the same transaction, so two processes starting at once seed once.
 */
export async function seedDemo(
  db: Db,
  opts: { products?: number; users?: number; now?: () => number } = {},
): Promise<SeedResult> {
  const products = opts.products ?? DEMO_PRODUCTS;
  const users = opts.users ?? DEMO_USERS;
  return db.transaction().execute(async (trx) => {
    const marker = await trx
      .insertInto("settings")
      .values({ key: SEEDED_KEY, value: String((opts.now ?? Date.now)()) })
      .onConflict((oc) => oc.column("key").doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!marker) return { seeded: false, products: 0, users: 0 };
    for (let start = 0; start < products; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(products, start + BATCH); i++) rows.push(demoProductRow(i));
      await trx.insertInto("products").values(rows).execute();
    }
    for (let start = 0; start < users; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(users, start + BATCH); i++) rows.push(demoUserRow(i));
      await trx.insertInto("users").values(rows).execute();
    }
    return { seeded: true, products, users };
  });
}

/** True when `seedDemo` has run on this database. */
export async function isDemoSeeded(db: Db): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*) as n from settings where key = ${SEEDED_KEY}`.execute(db);
  return Number(r.rows[0]?.n) > 0;
}
