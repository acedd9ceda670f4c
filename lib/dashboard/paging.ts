/** What a paged list page reads from its URL. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** Page sizes offered by every paged list. */
export const PER_PAGE_CHOICES = [20, 50, 100];

/** The first value of a query parameter (`?a=1&a=2` → "1"). */
export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `page` (≥ 1, default 1) and `per` (one of PER_PAGE_CHOICES, default 20) from a query string; anything else falls back. */
export function pagingFrom(get: (name: string) => string | null | undefined): { page: number; perPage: number } {
  const per = Number(get("per"));
  const page = Math.floor(Number(get("page")));
  return {
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    perPage: PER_PAGE_CHOICES.includes(per) ? per : PER_PAGE_CHOICES[0]!,
  };
}

/** The same for a page's `searchParams`, with the choices for its pager. */
export function pageParams(sp: SearchParams): { page: number; perPage: number; choices: number[] } {
  return { ...pagingFrom((n) => one(sp[n])), choices: PER_PAGE_CHOICES };
}
