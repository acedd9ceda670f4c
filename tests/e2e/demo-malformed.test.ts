/**
 * Malformed submissions of the demo's forms and batch actions, against the production build:
 * typed into the real product forms in Chromium (the message shown beside each field), and forged
 * as POSTs of the server actions themselves (a browser's checks are not the server's). Every case
 * asserts the exact message, that the products, users, notifications and exports tables are
 * unchanged, and that the Redis namespace is unchanged (nothing enqueued). No worker runs here,
 * so a job enqueued by mistake would still be sitting in its queue. The parsers' full matrix of
 * malformed values runs as unit cases in tests/unit/demo-validation.test.ts.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExport, createNotification } from "@/lib/db";
import { actionAnswer, replayAction, serverAction } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { useDemoStack } from "../helpers/demo-stack";
import { signIn } from "../helpers/web";
import {
  CATEGORY,
  CHECK,
  CONTROL,
  GOOD,
  MESSAGE,
  NAME,
  NOT_A_FORM,
  PRICE,
  SEED,
  STATUS,
  STOCK,
} from "../helpers/demo-messages";

const PRODUCTS = "app/(dashboard)/products/actions.ts";
const USERS = "app/(dashboard)/users/actions.ts";
const EXPORTS = "app/(dashboard)/exports/actions.ts";

const TABLES = ["products", "users", "notifications", "exports"] as const;

interface Forged {
  name: string;
  action: [file: string, exportedName: string];
  args: unknown[];
  message: string;
  /** The answer's code: `invalid` unless the lookup inside the action refused it. */
  code?: "invalid" | "stale" | "conflict";
  /** The product form's messages per field, when the action answers them. */
  fields?: Record<string, string>;
}

const create = (name: string, form: unknown, fields: Record<string, string>, message = CHECK): Forged => ({
  name: `create: ${name}`,
  action: [PRODUCTS, "createProductAction"],
  args: [form],
  message,
  fields,
});

/**
 * The parsers' own matrix (every malformed price, name, id list and filter) and the actions'
 * argument schemas (lib/dashboard/demo-schemas.ts: the export's selection guard, the users'
 * message and subject, the export id) are unit-tested in tests/unit/demo-validation.test.ts,
 * whose header maps each case that used to be here. Forged here: each branch of the actions' own
 * code (which field's message becomes the answer, the lookups done inside `perform`, which would
 * enqueue or write on a slip), and one refusal per argument schema, for the wiring: that the
 * action really parses with it, on the server.
 */
const FORGED: Forged[] = [
  create("every field missing", {}, { name: NAME, price: PRICE, category: CATEGORY, status: STATUS, stock: STOCK }),
  create("the form a string", "name=Widget", { _form: NOT_A_FORM }, NOT_A_FORM),

  ...(
    [
      ["unknown id", 99999, "There is no product with id 99999.", "_form", "stale"],
      // Was a create: saveProduct took a null id to mean "new product".
      ["null id", null, "These are not valid ids: null.", "ids", "invalid"],
    ] as const
  ).map(([name, id, message, field, code]): Forged => ({
    name: `edit: ${name}`,
    action: [PRODUCTS, "updateProductAction"],
    args: [id, GOOD],
    message,
    code,
    fields: { [field]: message },
  })),
  {
    name: "edit: a known id with a bad price and stock",
    action: [PRODUCTS, "updateProductAction"],
    args: [5, { ...GOOD, price: "-0.01", stock: "x" }],
    message: CHECK,
    fields: { price: PRICE, stock: STOCK },
  },

  {
    name: "delete: unknown ids (all or nothing: 1 stays)",
    action: [PRODUCTS, "deleteProductsAction"],
    args: [[1, 99998, 99999]],
    message: "There are no products with these ids: 99998, 99999.",
  },

  ...(
    [
      [
        "filter with priceMin above priceMax",
        { filter: { priceMin: "50", priceMax: "10" } },
        "The lowest price is above the highest price.",
      ],
      // Used to export every product; the guard's other cases are unit cases (exportSelection).
      ["neither ids nor filter", {}, NOT_A_FORM],
      ["unknown ids", { ids: [2, 99999] }, "There are no products with these ids: 99999."],
      ["malformed ids", { ids: ["3", "three"] }, 'These are not valid ids: "three".'],
    ] as const
  ).map(([name, input, message]): Forged => ({
    name: `export: ${name}`,
    action: [PRODUCTS, "exportProductsAction"],
    args: [input],
    message,
  })),

  ...(["sendNotificationAction", "sendEmailAction"] as const).map((action): Forged => ({
    name: `${action === "sendEmailAction" ? "e-mail" : "notify"}: unknown ids`,
    action: [USERS, action],
    args: [[1, 9001, 9002], "hi", ...(action === "sendEmailAction" ? ["Subject"] : [])],
    message: "There are no users with these ids: 9001, 9002.",
  })),
  // The schemas' wiring, one refusal each (the message's other cases, and the subject's, are
  // unit cases; sendEmailAction's message is also typed into the page below).
  {
    name: "notify: a message of spaces",
    action: [USERS, "sendNotificationAction"],
    args: [[1], "   "],
    message: MESSAGE,
  },
  {
    name: "e-mail: a subject with a line break (a header injection)",
    action: [USERS, "sendEmailAction"],
    args: [[1], "hi", "Hello\r\nBcc: all@example.com"],
    message: "The subject must be text of at most 200 characters, on one line.",
  },

  ...(
    [
      ["an unknown id", 99999, "There is no export #99999.", "stale"],
      [
        "an export that has not failed",
        1,
        "Export #1 has not failed (it was retried already); nothing done.",
        "conflict",
      ],
      // The page binds a number; a string, even of digits, is a forged request. The id schema's
      // other cases are unit cases (exportId).
      ['id "5" (a string)', "5", 'These are not valid ids: "5".'],
    ] as const
  ).map(([name, id, message, code]): Forged => ({
    name: `retry export: ${name}`,
    action: [EXPORTS, "retryExportAction"],
    args: [id],
    message,
    code,
  })),
];

interface Typed {
  name: string;
  /** `new` or the id of the product to edit. */
  product: "new" | number;
  fill: Partial<Record<"name" | "price" | "stock", string>>;
  select?: Partial<Record<"category" | "status", string>>;
  /** Every field's message as shown beside it ("" for none). */
  fields: Partial<Record<"name" | "price" | "category" | "status" | "stock", string>>;
}

const TYPED: Typed[] = [
  { name: "new: nothing entered", product: "new", fill: {}, fields: { name: NAME, price: PRICE, category: CATEGORY } },
  {
    name: "new: a negative price, a name of spaces, text for stock",
    product: "new",
    fill: { name: "   ", price: "-12", stock: "ten" },
    select: { category: "books" },
    fields: { name: NAME, price: PRICE, stock: STOCK },
  },
  {
    name: "new: a huge price, a fractional stock",
    product: "new",
    fill: { name: "Widget", price: "1,000,000,000.01", stock: "1.5" },
    select: { category: "books" },
    fields: { price: PRICE, stock: STOCK },
  },
  {
    name: "new: a tab inside the name, three decimals",
    product: "new",
    fill: { name: "Wid\tget", price: "¥3.999" },
    select: { category: "food" },
    fields: { name: CONTROL, price: PRICE },
  },
  {
    name: "edit: price emptied, stock negative",
    product: 5,
    fill: { price: "", stock: "-3" },
    fields: { price: PRICE, stock: STOCK },
  },
  {
    name: "edit: name emptied, price as text",
    product: 6,
    fill: { name: "", price: "twelve" },
    fields: { name: NAME, price: PRICE },
  },
];

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex").slice(0, 16);

describe("demo: malformed submissions change nothing and say why", () => {
  const demo = useDemoStack({ label: "e2e-demo-malformed", seed: SEED });

  beforeAll(async () => {
    // Rows in every table the cases watch, so "unchanged" is not only "still empty".
    await createExport(demo.db, { admin: null, selection: { filter: { category: "books" } } });
    await createNotification(demo.db, { recipient: { type: "user", id: 1 }, message: "hello" });
    await demo.redis.set(`${demo.namespace}:stat:processed`, "7");
  });

  /** Every watched table as a row count and a digest, and every key of the namespace with a digest of its DUMP. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const { rows } = await sql`select * from ${sql.table(t)} order by id`.execute(demo.db);
      out[t] = `${rows.length} rows, ${sha(JSON.stringify(rows))}`;
    }
    for (const key of (await demo.redis.keys(`${demo.namespace}:*`)).sort())
      out[key] = sha((await demo.redis.dumpBuffer(key)) ?? "");
    return out;
  }

  /** Runs one case between two snapshots: nothing in the database or the namespace may move, and no queue may appear. */
  async function changesNothing(run: () => Promise<void>) {
    const before = await snapshot();
    expect(before.products).toMatch(/^30 rows/);
    await run();
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(Object.keys(after).filter((k) => /:(queues|queue:.*|delayed.*)$/.test(k))).toEqual([]);
  }

  async function forge(page: Page, c: Pick<Forged, "action" | "args">) {
    const res = await replayAction(page, demo.web.url, serverAction(...c.action), c.args);
    expect(res.status).toBe(200);
    return actionAnswer<{ ok: boolean; code: string; message: string; fields?: Record<string, string> }>(res.text);
  }

  describe("forged POSTs of the server actions", () => {
    beforeAll(async () => {
      await demo.browser.page.goto(`${demo.web.url}/products`);
    });

    it(`covers every action, each case once (${FORGED.length})`, () => {
      expect(new Set(FORGED.map((c) => c.action.join("#")))).toEqual(
        new Set([
          `${PRODUCTS}#createProductAction`,
          `${PRODUCTS}#updateProductAction`,
          `${PRODUCTS}#deleteProductsAction`,
          `${PRODUCTS}#exportProductsAction`,
          `${USERS}#sendNotificationAction`,
          `${USERS}#sendEmailAction`,
          `${EXPORTS}#retryExportAction`,
        ]),
      );
      expect(new Set(FORGED.map((c) => c.name)).size).toBe(FORGED.length);
    });

    for (const c of FORGED) {
      it(c.name, async () => {
        await changesNothing(async () => {
          expect(await forge(demo.browser.page, c)).toEqual({
            ok: false,
            code: c.code ?? "invalid",
            message: c.message,
            ...(c.fields ? { fields: c.fields } : {}),
          });
        });
      });
    }
  });

  describe("typed into the product forms", () => {
    for (const c of TYPED) {
      it(c.name, async () => {
        const { page } = demo.browser;
        await page.goto(`${demo.web.url}/products/${c.product}`);
        const form = page.locator("main form");
        await changesNothing(async () => {
          for (const [field, value] of Object.entries(c.fill)) await form.locator(`[name="${field}"]`).fill(value);
          for (const [field, value] of Object.entries(c.select ?? {}))
            await form.locator(`select[name="${field}"]`).selectOption(value);
          await form.getByRole("button", { name: "Save" }).click();
          await form.getByRole("status").filter({ hasText: CHECK }).waitFor();
          for (const field of ["name", "price", "category", "status", "stock"] as const) {
            expect(await form.locator(`[data-error="${field}"]`).innerText(), field).toBe(c.fields[field] ?? "");
            expect(await form.locator(`[name="${field}"]`).getAttribute("aria-invalid"), field).toBe(
              String(!!c.fields[field]),
            );
          }
        });
      });
    }

    it("users: an emptied message with one user selected", async () => {
      const { page } = demo.browser;
      await page.goto(`${demo.web.url}/users`);
      await changesNothing(async () => {
        await page.locator('tr[data-user="1"] input[type=checkbox]').check();
        await page.getByRole("textbox", { name: "Message" }).fill("");
        await page.getByRole("button", { name: "Send e-mail (1)" }).click();
        await page.getByRole("status").filter({ hasText: MESSAGE }).waitFor();
      });
    });
  });

  describe("in zh-CN", () => {
    let zh: OpenedBrowser | undefined;
    beforeAll(async () => {
      zh = await openBrowser({ locale: "zh-CN" });
      await signIn(zh.page, demo.web);
    });
    afterAll(() => zh?.close());

    it("new product with nothing entered: the messages beside the fields", async () => {
      const { page } = zh!;
      await page.goto(`${demo.web.url}/products/new`);
      const form = page.locator("main form");
      await changesNothing(async () => {
        await form.getByRole("button", { name: "保存" }).click();
        await form.getByRole("status").filter({ hasText: "请检查标出的字段。" }).waitFor();
        expect(await form.locator('[data-error="name"]').innerText()).toBe("请输入名称。");
        expect(await form.locator('[data-error="price"]').innerText()).toBe(
          "请输入价格，如 12.50：0 至 1,000,000,000，最多两位小数。",
        );
        expect(await form.locator('[data-error="category"]').innerText()).toBe("请选择一个分类。");
      });
      await zh!.screenshot("demo-malformed-product-zh-CN");
    });

    it("forged: notify with an empty selection, delete with malformed ids", async () => {
      const { page } = zh!;
      await page.goto(`${demo.web.url}/products`);
      await changesNothing(async () => {
        expect(await forge(page, { action: [USERS, "sendNotificationAction"], args: [[], "hi"] })).toEqual({
          ok: false,
          code: "invalid",
          message: "请选择要发送的用户",
        });
        expect(await forge(page, { action: [PRODUCTS, "deleteProductsAction"], args: [["1", "x"]] })).toEqual({
          ok: false,
          code: "invalid",
          message: '以下编号无效："x"。',
        });
      });
    });
  });
});
