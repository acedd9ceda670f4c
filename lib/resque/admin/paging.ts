/**
 * Page arithmetic shared by the queue, failure and key views (Sidekiq `paginator.rb` style).
 */
import type { PageOptions } from "./types";

/** resque-web's page size. */
export const DEFAULT_PER_PAGE = 25;
/** Caps one LRANGE/ZRANGE so a crafted `perPage` cannot pull a whole list. */
export const MAX_PER_PAGE = 1000;

/**
 * The last page number anyone may ask for: with MAX_PER_PAGE its offset (10^12) is still an exact
 * integer for SQLite's OFFSET and Redis's LRANGE, where `?page=1e21` used to give SQLITE_MISMATCH
 * and "ERR value is not an integer".
 */
export const MAX_PAGE = 1_000_000_000;

/**
 * A page number from anywhere (a query string's `Number()`, a CLI flag): an integer in
 * [1, MAX_PAGE], 1 for anything that is not a finite number. Every list's paging goes through here.
 */
export function clampPage(page: number | undefined): number {
  return Number.isFinite(page) ? Math.min(MAX_PAGE, Math.max(1, Math.floor(page!))) : 1;
}

/**
 * Clamps a page request: page in [1, MAX_PAGE], 1 ≤ perPage ≤ 1000. Query strings arrive as garbage
 * often enough (`?page=-3`, `?page=abc`, `?page=1e21`) that the engine normalises rather than throws.
 */
export function normalizePage(
  opts: PageOptions = {},
  defaultPerPage = DEFAULT_PER_PAGE,
): { page: number; perPage: number; start: number; stop: number } {
  const page = clampPage(opts.page);
  const perPage = Number.isFinite(opts.perPage)
    ? Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(opts.perPage!)))
    : defaultPerPage;
  const start = (page - 1) * perPage;
  return { page, perPage, start, stop: start + perPage - 1 };
}

/** Splits an array into chunks of at most `size`, so a bulk action stays within bounded script arguments. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
