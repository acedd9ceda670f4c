/**
 * The demo's validation matrix as unit cases of the parsers the server actions call
 * (lib/db/demo-validation.ts, lib/db/products.ts, lib/db/users.ts) and of the actions' own
 * argument schemas (lib/dashboard/demo-schemas.ts), moved from tests/e2e/demo-malformed.test.ts
 * (issue 11, item 5). Each case asserts the text per field the e2e case asserted: translator("en")
 * (or "zh-CN") of the same message key and values, on the same field; a schema's case asserts the
 * sentence the action answers (the first issue, through `sentence`, as app/action.ts does).
 * Lookups of unknown and foreign ids run on an in-memory SQLite database seeded as the e2e stack
 * is (30 products, 45 users: ids 31-45 are users but not products), and every case that touches
 * it asserts the tables are unchanged. No Redis, no build, no browser.
 *
 * The e2e file keeps forged POSTs for each branch of the actions' own code (which field's message
 * becomes the answer, the lookups done inside `perform`), one refusal per argument schema (the
 * wiring: the action parses with it on the server), the cases typed into the real forms and the
 * zh-CN ones.
 *
 * Where each old e2e case is now ("same name": a case of that name in this file):
 *   U   unit only (same name); no longer forged in e2e
 *   U+E unit (same name) and still forged in e2e, for the wiring
 *   E   still e2e only: the check lives in app/** (named in brackets)
 *
 * | old e2e case (95)                                        | now |
 * | -------------------------------------------------------- | --- |
 * | covers at least 20 cases (meta)                          | E: "covers every action …" (meta) |
 * | create: price negative                                   | U   |
 * | create: price "abc"                                      | U   |
 * | create: price with three decimals                        | U   |
 * | create: price above 1,000,000,000                        | U   |
 * | create: price with 13 digits                             | U   |
 * | create: price empty                                      | U   |
 * | create: price as a negative number                       | U   |
 * | create: price as an array                                | U   |
 * | create: price as an object                               | U   |
 * | create: name empty                                       | U   |
 * | create: name of spaces, tabs and newlines                | U   |
 * | create: name of 201 characters                           | U   |
 * | create: name with a NUL and an escape                    | U   |
 * | create: name as a number                                 | U   |
 * | create: name as an object                                | U   |
 * | create: category not in the list                         | U   |
 * | create: category as a number                             | U   |
 * | create: status not in the list                           | U   |
 * | create: status as an array                               | U   |
 * | create: stock negative                                   | U   |
 * | create: stock fractional                                 | U   |
 * | create: stock as text                                    | U   |
 * | create: stock above 1,000,000,000                        | U   |
 * | create: every field missing                              | U+E |
 * | create: the form a string                                | U+E |
 * | create: the form an array                                | U   |
 * | create: the form null                                    | U   |
 * | edit: unknown id                                         | U+E |
 * | edit: a foreign id (a user's)                            | U   |
 * | edit: malformed id "abc"                                 | U   |
 * | edit: negative id                                        | U   |
 * | edit: fractional id                                      | U   |
 * | edit: id as an object                                    | U   |
 * | edit: null id                                            | U+E |
 * | edit: a known id with a bad price and stock              | U+E |
 * | delete: unknown ids (all or nothing: 1 stays)            | U+E |
 * | delete: foreign ids (users, not products)                | U   |
 * | delete: malformed ids                                    | U   |
 * | delete: an empty selection                               | U   |
 * | delete: ids as an object                                 | U   |
 * | delete: 10,001 ids                                       | U   |
 * | export: filter with priceMin "abc"                       | U   |
 * | export: filter with a negative priceMax                  | U   |
 * | export: filter with priceMin above priceMax              | U+E |
 * | export: filter with an unknown sort                      | U   |
 * | export: filter with a numeric sort                       | U   |
 * | export: filter with an unknown category                  | U   |
 * | export: filter with a 101-character search               | U   |
 * | export: filter an array                                  | U   |
 * | export: filter a string                                  | U   |
 * | export: neither ids nor filter                           | U+E |
 * | export: the input a string                               | U   |
 * | export: unknown ids                                      | U+E |
 * | export: foreign ids                                      | U   |
 * | export: malformed ids                                    | U+E |
 * | notify: malformed ids                                    | U   |
 * | notify: unknown ids                                      | U+E |
 * | notify: an empty selection                               | U (+ E in zh-CN) |
 * | notify: ids as an object                                 | U   |
 * | notify: an empty message                                 | U   |
 * | notify: a message of spaces                              | U+E |
 * | notify: a message of 2001 characters                     | U   |
 * | notify: a message as a number                            | U   |
 * | notify: a message as an array                            | U   |
 * | e-mail: malformed ids                                    | U   |
 * | e-mail: unknown ids                                      | U+E |
 * | e-mail: an empty selection                               | U   |
 * | e-mail: ids as an object                                 | U   |
 * | e-mail: an empty message                                 | U   |
 * | e-mail: a message of spaces                              | U   |
 * | e-mail: a message of 2001 characters                     | U   |
 * | e-mail: a message as a number                            | U   |
 * | e-mail: a message as an array                            | U   |
 * | e-mail: a subject of 201 characters                      | U   |
 * | e-mail: a subject with a line break (a header injection) | U+E |
 * | e-mail: a subject as a number                            | U   |
 * | e-mail: a subject as an object                           | U   |
 * | retry export: an unknown id                              | E [retryExportAction: record lookup → message] |
 * | retry export: an export that has not failed              | E [ditto] |
 * | retry export: id "abc"                                   | U   |
 * | retry export: id "5" (a string)                          | U+E |
 * | retry export: id 0                                       | U   |
 * | retry export: a fractional id                            | U   |
 * | retry export: id null                                    | U   |
 * | retry export: id as an array                             | U   |
 * | typed: new: nothing entered                              | E + U "typed: …" (the values the form sends) |
 * | typed: new: a negative price, a name of spaces, text …   | E + U "typed: …" |
 * | typed: new: a huge price, a fractional stock             | E + U "typed: …" |
 * | typed: new: a tab inside the name, three decimals        | E + U "typed: …" |
 * | typed: edit: price emptied, stock negative               | E + U "typed: …" |
 * | typed: edit: name emptied, price as text                 | E + U "typed: …" |
 * | typed: users: an emptied message with one user selected  | E + U "e-mail: an empty message" |
 * | zh-CN: new product with nothing entered                  | E + U "zh-CN: …" |
 * | zh-CN: forged notify empty selection, delete malformed   | E + U "zh-CN: …" (two cases) |
 *
 * Totals: 85 forged cases → 68 U, 15 U+E, 2 E (17 still forged); the 7 typed, 2 zh-CN and the
 * meta case stay in e2e. Unit cases with no e2e twin: the "export guard: …" edge cases, the id
 * schemas agreeing with the parsers, what each schema accepts, and "zh-CN: an empty message".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldOf, sentence } from "@/lib/dashboard/action-schema";
import {
  DEFAULT_SUBJECT,
  emailSubject,
  exportId,
  exportSelection,
  productFilter,
  productId,
  productIds,
  userIds,
  userMessage,
} from "@/lib/dashboard/demo-schemas";
import { formatCents } from "@/lib/format";
import {
  MEMORY_DATABASE,
  checkUserIds,
  deleteProducts,
  findMissingIds,
  getProduct,
  listForMessage,
  migrate,
  openDb,
  parseIds,
  parseProductFilter,
  parseProductInput,
  seedDemo,
  updateProduct,
  type Checked,
  type Db,
} from "@/lib/db";
import { translator, type Translate } from "@/lib/i18n";
import {
  CATEGORY,
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

const en = translator("en");
const zh = translator("zh-CN");

const SUBJECT = "The subject must be text of at most 200 characters, on one line.";

/** A refusal as the page shows it: each field's message in `t`'s language. An accepted input fails the case. */
function shown(r: Checked<unknown>, t: Translate = en): Record<string, string> {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return Object.fromEntries(Object.entries(r.fieldErrors).map(([field, p]) => [field, t(p!.key, p!.values)]));
}

let db: Db;

beforeAll(async () => {
  db = openDb(MEMORY_DATABASE);
  await migrate(db);
  await seedDemo(db, SEED);
});

afterAll(async () => {
  await db?.destroy();
});

/** Every row of the tables the data functions could write, as one string. */
async function tables(): Promise<string> {
  const [products, users] = await Promise.all([
    db.selectFrom("products").selectAll().orderBy("id").execute(),
    db.selectFrom("users").selectAll().orderBy("id").execute(),
  ]);
  return JSON.stringify([products, users]);
}

/**
 * What an action answers when its `input` refuses the arguments (app/action.ts, step 3): the
 * first issue's sentence in `t`'s language. `input` is the action's tuple of argument schemas
 * from lib/dashboard/demo-schemas.ts, in the action's order. An accepted input fails the case.
 */
function refusal(input: z.ZodType, args: unknown[], t: Translate = en): string {
  const r = input.safeParse(args);
  if (r.success) throw new Error(`accepted: ${JSON.stringify(r.data)}`);
  return sentence(t, r.error.issues[0]!);
}

/** Runs a data function that must refuse, and asserts it changed no row. */
async function unchanged<T>(run: () => Promise<T>): Promise<T> {
  const before = await tables();
  const result = await run();
  expect(await tables()).toBe(before);
  return result;
}

describe("parseProductInput: what createProductAction answers per field", () => {
  const cases: [name: string, form: unknown, fields: Record<string, string>][] = [
    ["price negative", { ...GOOD, price: "-1" }, { price: PRICE }],
    ['price "abc"', { ...GOOD, price: "abc" }, { price: PRICE }],
    ["price with three decimals", { ...GOOD, price: "12.345" }, { price: PRICE }],
    ["price above 1,000,000,000", { ...GOOD, price: "1000000000.01" }, { price: PRICE }],
    ["price with 13 digits", { ...GOOD, price: "9999999999999" }, { price: PRICE }],
    ["price empty", { ...GOOD, price: "" }, { price: PRICE }],
    ["price as a negative number", { ...GOOD, price: -5 }, { price: PRICE }],
    ["price as an array", { ...GOOD, price: ["12.50"] }, { price: PRICE }],
    ["price as an object", { ...GOOD, price: { yuan: 12 } }, { price: PRICE }],
    ["name empty", { ...GOOD, name: "" }, { name: NAME }],
    ["name of spaces, tabs and newlines", { ...GOOD, name: " \t\n " }, { name: NAME }],
    [
      "name of 201 characters",
      { ...GOOD, name: "名".repeat(201) },
      { name: "The name is longer than 200 characters." },
    ],
    ["name with a NUL and an escape", { ...GOOD, name: "Widget\u0000\u001b[31m" }, { name: CONTROL }],
    ["name as a number", { ...GOOD, name: 42 }, { name: NAME }],
    ["name as an object", { ...GOOD, name: { en: "Widget" } }, { name: NAME }],
    ["category not in the list", { ...GOOD, category: "weapons" }, { category: CATEGORY }],
    ["category as a number", { ...GOOD, category: 3 }, { category: CATEGORY }],
    ["status not in the list", { ...GOOD, status: "deleted" }, { status: STATUS }],
    ["status as an array", { ...GOOD, status: ["active"] }, { status: STATUS }],
    ["stock negative", { ...GOOD, stock: "-1" }, { stock: STOCK }],
    ["stock fractional", { ...GOOD, stock: 1.5 }, { stock: STOCK }],
    ["stock as text", { ...GOOD, stock: "ten" }, { stock: STOCK }],
    ["stock above 1,000,000,000", { ...GOOD, stock: "1000000001" }, { stock: STOCK }],
    ["every field missing", {}, { name: NAME, price: PRICE, category: CATEGORY, status: STATUS, stock: STOCK }],
    ["the form a string", "name=Widget", { _form: NOT_A_FORM }],
    ["the form an array", [GOOD], { _form: NOT_A_FORM }],
    ["the form null", null, { _form: NOT_A_FORM }],
  ];

  it("accepts the good form every case starts from", () => {
    expect(parseProductInput(GOOD)).toEqual({
      ok: true,
      value: { name: "Widget", priceCents: 1250, category: "toys", status: "active", stock: 3 },
    });
  });

  for (const [name, form, fields] of cases) {
    it(`create: ${name}`, () => {
      expect(shown(parseProductInput(form))).toEqual(fields);
    });
  }
});

describe("updateProduct: what updateProductAction answers (id first, then the form)", () => {
  const cases: [name: string, id: unknown, form: unknown, fields: Record<string, string>][] = [
    ["unknown id", 99999, GOOD, { _form: "There is no product with id 99999." }],
    ["a foreign id (a user's)", 40, GOOD, { _form: "There is no product with id 40." }],
    ['malformed id "abc"', "abc", GOOD, { ids: 'These are not valid ids: "abc".' }],
    ["negative id", -5, GOOD, { ids: "These are not valid ids: -5." }],
    ["fractional id", 1.5, GOOD, { ids: "These are not valid ids: 1.5." }],
    ["id as an object", { id: 5 }, GOOD, { ids: 'These are not valid ids: {"id":5}.' }],
    // Was a create: saveProduct took a null id to mean "new product".
    ["null id", null, GOOD, { ids: "These are not valid ids: null." }],
    [
      "a known id with a bad price and stock",
      5,
      { ...GOOD, price: "-0.01", stock: "x" },
      { price: PRICE, stock: STOCK },
    ],
  ];
  for (const [name, id, form, fields] of cases) {
    it(`edit: ${name}`, async () => {
      expect(shown(await unchanged(() => updateProduct(db, id, form)))).toEqual(fields);
    });
  }
});

describe("deleteProducts: what deleteProductsAction answers (all or nothing)", () => {
  const cases: [name: string, ids: unknown, message: string][] = [
    ["unknown ids (all or nothing: 1 stays)", [1, 99998, 99999], "There are no products with these ids: 99998, 99999."],
    ["foreign ids (users, not products)", [31, 44], "There are no products with these ids: 31, 44."],
    ["malformed ids", ["1", "x", -2, 2.5], 'These are not valid ids: "x", -2, 2.5.'],
    ["an empty selection", [], "Select at least one row."],
    ["ids as an object", { ids: [1] }, 'These are not valid ids: {"ids":[1]}.'],
    ["10,001 ids", Array.from({ length: 10_001 }, (_, i) => i + 1), "At most 10000 rows at once; 10001 were selected."],
  ];
  for (const [name, ids, message] of cases) {
    it(`delete: ${name}`, async () => {
      // The action answers the first field's message; every refusal here is on `ids`.
      expect(shown(await unchanged(() => deleteProducts(db, ids)))).toEqual({ ids: message });
    });
  }
  it("delete: product 1 is still there after the all-or-nothing refusal", async () => {
    expect(await getProduct(db, 1)).not.toBeNull();
  });
});

describe("exportProductsAction's parsers: parseProductFilter, parseIds, findMissingIds", () => {
  const filters: [name: string, filter: unknown, fields: Record<string, string>][] = [
    ['filter with priceMin "abc"', { priceMin: "abc" }, { priceMin: PRICE }],
    ["filter with a negative priceMax", { priceMax: "-3" }, { priceMax: PRICE }],
    [
      "filter with priceMin above priceMax",
      { priceMin: "50", priceMax: "10" },
      { priceMin: "The lowest price is above the highest price." },
    ],
    ["filter with an unknown sort", { sort: "-password" }, { sort: "Unknown sort order." }],
    // Was "Check the highlighted fields.", with no field to look at.
    ["filter with a numeric sort", { sort: 5 }, { sort: "Unknown sort order." }],
    ["filter with an unknown category", { category: "weapons" }, { category: CATEGORY }],
    ["filter with a 101-character search", { q: "x".repeat(101) }, { q: "The search is longer than 100 characters." }],
    // An array is an object to the action's guard, so the parser is what refuses it.
    ["filter an array", ["books"], { _form: NOT_A_FORM }],
  ];
  for (const [name, filter, fields] of filters) {
    it(`export: ${name}`, () => {
      // The action answers the first field's message; each case here has one field.
      expect(shown(parseProductFilter(filter as Record<string, unknown>))).toEqual(fields);
    });
  }

  // The e2e case "export: filter a string" is refused by the action's guard before the parser;
  // the parser refuses it too. A missing filter, though, is "no filter" to the parser: every
  // product. That is why the action's guard (e2e: "neither ids nor filter", "the input a string") exists.
  it("export guard: parseProductFilter refuses a string but reads a missing filter as every product", () => {
    expect(shown(parseProductFilter("category=books" as unknown as Record<string, unknown>))).toEqual({
      _form: NOT_A_FORM,
    });
    expect(parseProductFilter(undefined)).toEqual({ ok: true, value: {} });
    expect(parseProductFilter(null)).toEqual({ ok: true, value: {} });
  });

  it("export: malformed ids", () => {
    expect(shown(parseIds(["3", "three"]))).toEqual({ ids: 'These are not valid ids: "three".' });
  });

  for (const [name, ids, message] of [
    ["unknown ids", [2, 99999], "There are no products with these ids: 99999."],
    ["foreign ids", [35], "There are no products with these ids: 35."],
  ] as const) {
    it(`export: ${name}`, async () => {
      const parsed = parseIds(ids);
      expect(parsed).toEqual({ ok: true, value: ids });
      const missing = await findMissingIds(db, "products", parsed.ok ? parsed.value : []);
      expect(en("demo.products.unknown", { ids: listForMessage(missing) })).toBe(message);
    });
  }
});

describe("exportProductsAction's argument: the exportSelection schema (ids when any, else the filter)", () => {
  /** The action's input: z.tuple([exportSelection]). */
  const input = z.tuple([exportSelection]);
  // These three used to export every product: a missing filter is "no filter" to the parser.
  for (const [name, arg] of [
    ["filter a string", { filter: "category=books" }],
    ["neither ids nor filter", {}],
    ["the input a string", "everything"],
  ] as const) {
    it(`export: ${name}`, () => {
      expect(refusal(input, [arg])).toBe(NOT_A_FORM);
    });
  }

  it("export guard: the parsers' refusals come through the schema as the action words them", () => {
    expect(refusal(input, [{ filter: { priceMin: "50", priceMax: "10" } }])).toBe(
      "The lowest price is above the highest price.",
    );
    expect(refusal(input, [{ ids: ["3", "three"] }])).toBe('These are not valid ids: "three".');
    expect(refusal(input, [{ filter: ["books"] }])).toBe(NOT_A_FORM);
  });

  it("export guard: ids win over the filter; an empty selection means the filter", () => {
    expect(input.parse([{ ids: [2, 3], filter: { category: "books" } }])).toEqual([{ by: "ids", ids: [2, 3] }]);
    expect(input.parse([{ ids: [], filter: { category: "books" } }])).toEqual([
      { by: "filter", filter: { category: "books" } },
    ]);
    expect(input.parse([{ filter: {} }])).toEqual([{ by: "filter", filter: {} }]);
  });
});

describe("the products actions' id schemas agree with the parsers above", () => {
  it("edit: productId refuses what updateProduct refuses, on the ids field", () => {
    for (const [id, message] of [
      [null, "These are not valid ids: null."],
      ["abc", 'These are not valid ids: "abc".'],
      [1.5, "These are not valid ids: 1.5."],
    ] as const) {
      const r = productId.safeParse(id);
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => [fieldOf(i), sentence(en, i)])).toEqual([["ids", message]]);
    }
    expect(productId.parse(5)).toBe(5);
  });

  it("delete: productIds answers the first field's message", () => {
    expect(refusal(z.tuple([productIds]), [[]])).toBe("Select at least one row.");
    expect(refusal(z.tuple([productIds]), [["1", "x", -2, 2.5]])).toBe('These are not valid ids: "x", -2, 2.5.');
  });

  it("export: productFilter refuses a non-object before the parser sees it", () => {
    expect(refusal(z.tuple([productFilter]), ["category=books"])).toBe(NOT_A_FORM);
    expect(refusal(z.tuple([productFilter]), [undefined])).toBe(NOT_A_FORM);
  });
});

describe("sendNotificationAction and sendEmailAction's ids: parseIds with their empty-selection key, findMissingIds", () => {
  const cases: [name: string, ids: unknown, message: string][] = [
    ["malformed ids", ["1", "x1", 0], 'These are not valid ids: "x1", 0.'],
    ["unknown ids", [1, 9001, 9002], "There are no users with these ids: 9001, 9002."],
    ["an empty selection", [], "Select the users to send to."],
    ["ids as an object", { ids: [1] }, 'These are not valid ids: {"ids":[1]}.'],
  ];
  // Both actions run the same check (sendToUsers → checkInput), so each case is asserted for both names.
  for (const verb of ["notify", "e-mail"]) {
    for (const [name, ids, message] of cases) {
      it(`${verb}: ${name}`, async () => {
        const parsed = parseIds(ids, { emptyKey: "demo.users.noneSelected" });
        const answer = parsed.ok
          ? en("demo.users.unknown", { ids: listForMessage(await findMissingIds(db, "users", parsed.value)) })
          : shown(parsed).ids;
        expect(answer).toBe(message);
        // lib's checkUserIds composes the same two steps (the actions inline them): it agrees.
        expect(shown(await unchanged(() => checkUserIds(db, ids)))).toEqual({ ids: message });
      });
    }
  }
});

describe("sendNotificationAction and sendEmailAction's message: the userMessage schema", () => {
  /** The actions' inputs: z.tuple([userIds, userMessage]) and z.tuple([userIds, userMessage, emailSubject]). */
  const inputs = {
    notify: { input: z.tuple([userIds, userMessage]), extra: [] },
    "e-mail": { input: z.tuple([userIds, userMessage, emailSubject]), extra: ["Subject"] },
  };
  const cases: [name: string, text: unknown, message: string][] = [
    ["an empty message", "", MESSAGE],
    ["a message of spaces", "   ", MESSAGE],
    ["a message of 2001 characters", "x".repeat(2001), "The message is longer than 2000 characters."],
    ["a message as a number", 5, MESSAGE],
    ["a message as an array", ["hi"], MESSAGE],
  ];
  for (const [verb, { input, extra }] of Object.entries(inputs)) {
    for (const [name, text, message] of cases) {
      it(`${verb}: ${name}`, () => {
        expect(refusal(input, [[1], text, ...extra])).toBe(message);
      });
    }
    it(`${verb}: the message trimmed; 2000 characters are enough`, () => {
      expect(input.parse([[1], "  hi  ", ...extra])[1]).toBe("hi");
      expect(input.parse([[1], "x".repeat(2000), ...extra])[1]).toHaveLength(2000);
    });
  }

  it("zh-CN: an empty message", () => {
    expect(refusal(inputs.notify.input, [[1], ""], zh)).toBe("请输入消息内容。");
  });
});

describe("sendEmailAction's subject: the emailSubject schema", () => {
  const input = z.tuple([userIds, userMessage, emailSubject]);
  const cases: [name: string, subject: unknown][] = [
    ["a subject of 201 characters", "x".repeat(201)],
    ["a subject with a line break (a header injection)", "Hello\r\nBcc: all@example.com"],
    ["a subject as a number", 5],
    ["a subject as an object", { text: "hi" }],
  ];
  for (const [name, subject] of cases) {
    it(`e-mail: ${name}`, () => {
      expect(refusal(input, [[1], "hi", subject])).toBe(SUBJECT);
    });
  }

  it("e-mail: an absent, null or empty subject is the default one; a subject is trimmed", () => {
    for (const subject of [undefined, null, "", "   "]) expect(emailSubject.parse(subject)).toBe(DEFAULT_SUBJECT);
    expect(emailSubject.parse("  Hello  ")).toBe("Hello");
    expect(emailSubject.parse("名".repeat(200))).toHaveLength(200);
  });
});

describe("retryExportAction's id: the exportId schema (the lookups after it live in the action: e2e)", () => {
  /** The action's input: z.tuple([exportId]). */
  const input = z.tuple([exportId]);
  const cases: [name: string, id: unknown, message: string][] = [
    ['id "abc"', "abc", 'These are not valid ids: "abc".'],
    // The page binds a number; a string, even of digits, is a forged request.
    ['id "5" (a string)', "5", 'These are not valid ids: "5".'],
    ["id 0", 0, "These are not valid ids: 0."],
    ["a fractional id", 2.5, "These are not valid ids: 2.5."],
    ["id null", null, "These are not valid ids: null."],
    ["id as an array", [1], "These are not valid ids: [1]."],
  ];
  for (const [name, id, message] of cases) {
    it(`retry export: ${name}`, () => {
      expect(refusal(input, [id])).toBe(message);
    });
  }

  it("retry export: a positive whole number is an id", () => {
    expect(input.parse([7])).toEqual([7]);
  });
});

describe("the values the product forms send when typed into (e2e keeps the typing itself)", () => {
  type Values = { name: string; price: string; category: string; status: string; stock: string };
  /** What ProductForm starts from: app/(dashboard)/products/new/page.tsx and [id]/page.tsx. */
  async function initial(product: "new" | number): Promise<Values> {
    if (product === "new") return { name: "", price: "", category: "", status: "active", stock: "0" };
    const p = (await getProduct(db, product))!;
    return {
      name: p.name,
      price: formatCents(p.priceCents),
      category: p.category,
      status: p.status,
      stock: String(p.stock),
    };
  }
  const cases: [name: string, product: "new" | number, typed: Partial<Values>, fields: Record<string, string>][] = [
    ["new: nothing entered", "new", {}, { name: NAME, price: PRICE, category: CATEGORY }],
    [
      "new: a negative price, a name of spaces, text for stock",
      "new",
      { name: "   ", price: "-12", stock: "ten", category: "books" },
      { name: NAME, price: PRICE, stock: STOCK },
    ],
    [
      "new: a huge price, a fractional stock",
      "new",
      { name: "Widget", price: "1,000,000,000.01", stock: "1.5", category: "books" },
      { price: PRICE, stock: STOCK },
    ],
    [
      "new: a tab inside the name, three decimals",
      "new",
      { name: "Wid\tget", price: "¥3.999", category: "food" },
      { name: CONTROL, price: PRICE },
    ],
    ["edit: price emptied, stock negative", 5, { price: "", stock: "-3" }, { price: PRICE, stock: STOCK }],
    ["edit: name emptied, price as text", 6, { name: "", price: "twelve" }, { name: NAME, price: PRICE }],
  ];
  for (const [name, product, typed, fields] of cases) {
    it(`typed: ${name}`, async () => {
      const start = await initial(product);
      expect(parseProductInput(start).ok).toBe(product !== "new"); // an edit starts valid
      expect(shown(parseProductInput({ ...start, ...typed }))).toEqual(fields);
    });
  }
});

describe("zh-CN", () => {
  it("zh-CN: new product with nothing entered: the messages beside the fields", () => {
    const r = parseProductInput({ name: "", price: "", category: "", status: "active", stock: "0" });
    expect(shown(r, zh)).toEqual({
      name: "请输入名称。",
      price: "请输入价格，如 12.50：0 至 1,000,000,000，最多两位小数。",
      category: "请选择一个分类。",
    });
    // The sentence the action answers beside them (saveProduct picks this key when no _form or ids problem).
    expect(zh("demo.invalid.form")).toBe("请检查标出的字段。");
  });

  it("zh-CN: notify with an empty selection", async () => {
    expect(shown(parseIds([], { emptyKey: "demo.users.noneSelected" }), zh)).toEqual({ ids: "请选择要发送的用户" });
    expect(shown(await checkUserIds(db, []), zh)).toEqual({ ids: "请选择要发送的用户" });
  });

  it("zh-CN: delete with malformed ids", async () => {
    expect(shown(await unchanged(() => deleteProducts(db, ["1", "x"])), zh)).toEqual({ ids: '以下编号无效："x"。' });
  });
});
