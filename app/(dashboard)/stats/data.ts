import { getKeyValue, getRedisInfo, getStats, MAX_STRING_BYTES, scanKeys, type KeySummary } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import { pagingFrom } from "@/lib/dashboard/paging";
import type { KeyValueData, KeyValueQuery, KeysData, KeysQuery, StatsData } from "@/lib/dashboard/contracts";

/** The Stats page and /api/stats: Resque's counters and INFO (its default sections), parsed. 2 round trips in parallel. */
export async function readStatsData(): Promise<StatsData> {
  const conn = getConnection();
  const [stats, info] = await Promise.all([getStats(conn), getRedisInfo(conn)]);
  return { stats, info };
}

export const KEY_TYPES = ["string", "list", "set", "zset", "hash", "stream"] as const;
/** SCAN steps one page may take: a sparse MATCH can return nothing for many steps, but a page's cost stays bounded. */
const MAX_SCAN_STEPS = 10;
const MAX_PATTERN = 500;

/** The namespace as a MATCH prefix (it may itself hold glob characters, to be taken literally). */
function nsPattern(): string {
  return getConnection().keys.ns.replace(/[*?[\]\\]/g, "\\$&");
}

function defaultMatch(): string {
  return nsPattern() + "*";
}

/**
 * The key browser's query string, cleaned: unknown types and malformed cursors are dropped, not
 * errors. The browser shows the Resque namespace only (as resque-web does): a shared Redis may
 * hold other applications' secrets, and viewers may read here. A pattern that does not start
 * with the namespace is taken as relative to it (`queue:*` → `resque:queue:*`).
 */
export function keysQueryFrom(get: (name: string) => string | null | undefined): KeysQuery {
  const typed = (get("match") ?? "").slice(0, MAX_PATTERN);
  const match = !typed ? defaultMatch() : typed.startsWith(nsPattern()) ? typed : nsPattern() + typed;
  const type = get("type") ?? "";
  const cursor = get("cursor") ?? "";
  return {
    match,
    type: (KEY_TYPES as readonly string[]).includes(type) ? type : "",
    cursor: /^\d{1,20}$/.test(cursor) ? cursor : "0",
    perPage: pagingFrom(get).perPage,
  };
}

/**
 * One page of the key browser: SCAN steps of COUNT `perPage` from `cursor` until a page's worth of
 * keys is found, the scan ends, or MAX_SCAN_STEPS steps were taken. Never KEYS.
 * At most 2 × MAX_SCAN_STEPS round trips of O(perPage) each.
 */
export async function readKeys(q: KeysQuery): Promise<KeysData> {
  const conn = getConnection();
  const found = new Map<string, KeySummary>();
  let cursor = q.cursor;
  for (let step = 0; step < MAX_SCAN_STEPS; step++) {
    const res = await scanKeys(conn, { cursor, match: q.match, count: q.perPage, type: q.type || undefined });
    for (const k of res.keys) found.set(k.key, k);
    cursor = res.cursor;
    if (cursor === "0" || found.size >= q.perPage) break;
  }
  return {
    query: q,
    defaultMatch: defaultMatch(),
    nextCursor: cursor,
    keys: [...found.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

/** The key page's query string: the key, then `page`/`per` (lists, sorted sets) or `cursor` (sets, hashes, streams). */
export function keyValueQueryFrom(get: (name: string) => string | null | undefined): KeyValueQuery {
  const cursor = get("cursor") ?? "";
  return { key: get("key") ?? "", ...pagingFrom(get), cursor: /^\d{1,20}(-\d{1,20})?$/.test(cursor) ? cursor : "0" };
}

/** One key's value, paged by type (strings cut at MAX_STRING_BYTES). 2 round trips. */
export async function readKeyValue(q: KeyValueQuery): Promise<KeyValueData> {
  const ns = getConnection().keys.ns;
  if (q.key && !q.key.startsWith(ns))
    return {
      query: q,
      value: { key: q.key, ttl: -2, type: "none" },
      maxStringBytes: MAX_STRING_BYTES,
      outsideNamespace: ns,
    };
  const value = q.key
    ? await getKeyValue(getConnection(), q.key, { page: q.page, perPage: q.perPage, cursor: q.cursor })
    : ({ key: "", ttl: -2, type: "none" } as const);
  return { query: q, value, maxStringBytes: MAX_STRING_BYTES };
}
