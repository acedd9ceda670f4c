/**
 * Paging in the dashboard's URLs, one way for every list and JSON route: `page` and `per` (the
 * page size, one of PER_PAGE_CHOICES). `perPage`, which the Failed list and a queue's JSON used
 * to write, is still read when `per` is absent, so old links and monitoring URLs keep working.
 */

import { clampPage } from "@/lib/resque/admin/paging";

/** What a paged list page reads from its URL. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** Page sizes offered by every paged list; the first is the default. */
export const PER_PAGE_CHOICES = [20, 50, 100];

/** The page-size parameter every list and route writes. */
export const PER_PAGE_PARAM = "per";
/** The name the Failed list and /api/queues/<name> used before; read, never written. */
export const LEGACY_PER_PAGE_PARAM = "perPage";
/** Every query parameter paging reads. */
export const PAGING_PARAMS = ["page", PER_PAGE_PARAM, LEGACY_PER_PAGE_PARAM] as const;

/** The first value of a query parameter (`?a=1&a=2` → "1"). */
export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `page` (clampPage: 1 to MAX_PAGE, default 1) and the page size (`per`, else `perPage`; one of PER_PAGE_CHOICES,
 * default 20) from a query string; anything else falls back.
 */
export function pagingFrom(get: (name: string) => string | null | undefined): { page: number; perPage: number } {
  const per = Number(get(PER_PAGE_PARAM) ?? get(LEGACY_PER_PAGE_PARAM));
  return {
    page: clampPage(Number(get("page") ?? undefined)),
    perPage: PER_PAGE_CHOICES.includes(per) ? per : PER_PAGE_CHOICES[0]!,
  };
}

/** The same for a page's `searchParams`, with the choices for its pager. */
export function pageParams(sp: SearchParams): { page: number; perPage: number; choices: number[] } {
  return { ...pagingFrom((n) => one(sp[n])), choices: PER_PAGE_CHOICES };
}
