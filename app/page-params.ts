/** What a paged list page reads from its URL. */
export type SearchParams = Record<string, string | string[] | undefined>;

export const PER_PAGE_CHOICES = [20, 50, 100];

/** The first value of a query parameter (`?a=1&a=2` → "1"). */
export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `page` (≥ 1, default 1) and `per` (one of 20/50/100, default 20) from the URL; anything else falls back. */
export function pageParams(sp: SearchParams): { page: number; perPage: number; choices: number[] } {
  const perPageAsked = Number(one(sp.per));
  const perPage = PER_PAGE_CHOICES.includes(perPageAsked) ? perPageAsked : 20;
  const pageAsked = Math.floor(Number(one(sp.page)));
  const page = Number.isFinite(pageAsked) && pageAsked >= 1 ? pageAsked : 1;
  return { page, perPage, choices: PER_PAGE_CHOICES };
}
