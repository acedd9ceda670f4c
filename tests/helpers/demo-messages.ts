/**
 * What the demo's forms answer to bad input, in English, and the seed both validation suites
 * assume: tests/unit/demo-validation.test.ts (the parsers and schemas) and
 * tests/e2e/demo-malformed.test.ts (the same refusals through the real server) expect the same words.
 */
export const NAME = "Enter a name.";
export const PRICE = "Enter a price such as 12.50: from 0 to 1,000,000,000, at most two decimals.";
export const CATEGORY = "Choose one of the categories.";
export const STATUS = "Choose a status: on sale, draft or archived.";
export const STOCK = "Enter the stock as a whole number from 0 to 1,000,000,000.";
export const CONTROL = "The name cannot contain control characters such as tabs or line breaks.";
export const CHECK = "Check the highlighted fields.";
export const NOT_A_FORM = "The form data is missing or malformed.";
export const MESSAGE = "Enter a message.";

/** 30 products and 45 users: ids 31-45 are users but not products (foreign ids for products). */
export const SEED = { products: 30, users: 45 };
/** A product form every check accepts; cases change one field. */
export const GOOD = { name: "Widget", price: "12.50", category: "toys", status: "active", stock: "3" };
