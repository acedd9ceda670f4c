/**
 * Page arithmetic shared by the queue, failure and key views (Sidekiq `paginator.rb` style).
 */
import type { PageOptions } from "./types";

/** resque-web's page size. */
export const DEFAULT_PER_PAGE = 25;
/** Caps one LRANGE/ZRANGE so a crafted `perPage` cannot pull a whole list. */
export const MAX_PER_PAGE = 1000;

/**
 * Clamps a page request: page ≥ 1, 1 ≤ perPage ≤ 1000. Query strings arrive as garbage often
 * enough (`?page=-3`, `?page=abc`) that the engine normalises rather than throws.
 */
export function normalizePage(
  opts: PageOptions = {},
  defaultPerPage = DEFAULT_PER_PAGE,
): { page: number; perPage: number; start: number; stop: number } {
  const page = Number.isFinite(opts.page) ? Math.max(1, Math.floor(opts.page!)) : 1;
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
