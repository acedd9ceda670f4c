/**
 * The Failed page's URL state, shared by the page, the JSON routes and the client list: page,
 * perPage, filters, view and failure list. Pure, so server and browser parse it the same way.
 */
import type { FailedFilter } from "@/lib/resque/admin/types";
import { pagingFrom, PER_PAGE_CHOICES, PER_PAGE_PARAM } from "./paging";

/** Filter values longer than this are cut: they only ever match as substrings or exact names. */
export const MAX_FILTER_LENGTH = 200;
/** Most ids one action takes, so a crafted POST cannot make one request scan without end. */
export const MAX_IDS_PER_ACTION = 1000;
/** `<index>-<16 hex of sha1>`, the engine's failed-job id. */
export const FAILED_ID = /^\d{1,15}-[0-9a-f]{16}$/;

export type FailedView = "list" | "groups";

export interface FailedQuery {
  page: number;
  perPage: number;
  view: FailedView;
  /** `failed`, or Ruby's multi-queue `<queue>_failed`. */
  list: string;
  filter: FailedFilter;
}

/** URL parameter of each filter field (`text` is `q`, as in a search box). */
const FILTER_PARAMS = [
  ["queue", "queue"],
  ["class", "class"],
  ["exception", "exception"],
  ["text", "q"],
] as const;

/** Reads the URL, forgiving garbage (`?page=-3`, `?per=7`) the way the engine's pager does. */
export function parseFailedQuery(get: (name: string) => string | null | undefined): FailedQuery {
  const { page, perPage } = pagingFrom(get);
  const filter: FailedFilter = {};
  for (const [field, param] of FILTER_PARAMS) {
    const v = get(param)?.trim().slice(0, MAX_FILTER_LENGTH);
    if (v) filter[field] = v;
  }
  const list = get("list");
  return {
    page,
    perPage,
    view: get("view") === "groups" ? "groups" : "list",
    list: list && list.length <= MAX_FILTER_LENGTH ? list : "failed",
    filter,
  };
}

/** Next.js `searchParams` (values may repeat) as a getter for parseFailedQuery. */
export function fromSearchParams(
  sp: Record<string, string | string[] | undefined>,
): (name: string) => string | undefined {
  return (name) => {
    const v = sp[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/** The query string of `q` with `change` applied; defaults are left out so URLs stay short. */
export function failedSearch(
  q: FailedQuery,
  change: Partial<Omit<FailedQuery, "filter">> & { filter?: FailedFilter } = {},
): string {
  const n = { ...q, ...change, filter: change.filter ?? q.filter };
  const p = new URLSearchParams();
  if (n.view !== "list") p.set("view", n.view);
  if (n.list !== "failed") p.set("list", n.list);
  for (const [field, param] of FILTER_PARAMS) if (n.filter[field]) p.set(param, n.filter[field]!);
  if (n.page !== 1) p.set("page", String(n.page));
  if (n.perPage !== PER_PAGE_CHOICES[0]) p.set(PER_PAGE_PARAM, String(n.perPage));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** True when any filter field is set. */
export function isFiltered(f: FailedFilter): boolean {
  return !!(f.queue || f.class || f.exception || f.text);
}
