import {
  clipFailedJob,
  clipText,
  DETAIL_CLIP,
  getFailed,
  getStats,
  groupFailed,
  listFailed,
  listFailedLists,
  LIST_CLIP,
  type Connection,
} from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import { parseFailedQuery, type FailedQuery } from "@/lib/dashboard/failed-query";
import type { FailedDetailData, FailedGroupsData, FailedListData } from "@/lib/dashboard/contracts";

/**
 * The lists to offer and the one to show: an unknown name falls back to `failed`, so a URL can
 * never address a key that is not a failure list. 2 round trips.
 */
async function pickList(conn: Connection, asked: string) {
  const lists = await listFailedLists(conn);
  return { lists, list: lists.some((l) => l.name === asked) ? asked : "failed" };
}

/**
 * A page of failures plus the counters the page shows. Unfiltered: a bounded number of round
 * trips; filtered: the engine's chunked scan of the list (⌈n / 4000⌉ round trips).
 */
export async function readFailedList(q: FailedQuery): Promise<FailedListData> {
  const conn = getConnection();
  const [{ lists, list }, stats] = await Promise.all([pickList(conn, q.list), getStats(conn)]);
  const page = await listFailed(conn, { page: q.page, perPage: q.perPage, filter: q.filter, list });
  // Cut per record: the page and its 2 s poll carry at most LIST_CLIP characters of each text.
  const items = page.items.map((job) => clipFailedJob(job, LIST_CLIP));
  return { ...page, items, list, lists, filter: q.filter, stats };
}

/** Counts by class and exception (one chunked scan of the list), with the counters. */
export async function readFailedGroups(q: FailedQuery): Promise<FailedGroupsData> {
  const conn = getConnection();
  const [{ lists, list }, stats] = await Promise.all([pickList(conn, q.list), getStats(conn)]);
  const groups = (await groupFailed(conn, q.filter, { list })).map((g) => ({
    ...g,
    className: clipText(g.className, LIST_CLIP),
    exception: clipText(g.exception, LIST_CLIP),
  }));
  return { groups, total: groups.reduce((s, g) => s + g.count, 0), list, lists, filter: q.filter, stats };
}

/** One failure by id (followed if earlier records were removed), or null when it is gone. */
export async function readFailedOne(id: string, askedList: string): Promise<FailedDetailData> {
  const conn = getConnection();
  const [{ list }, stats] = await Promise.all([pickList(conn, askedList), getStats(conn)]);
  const job = await getFailed(conn, id, { list });
  // Its own page shows everything, up to DETAIL_CLIP characters of each text, with the sizes.
  return { job: job && clipFailedJob(job, DETAIL_CLIP), list, redisTimeMs: stats.redisTimeMs };
}

/** The query of a JSON request, parsed like the page's. */
export function queryOf(sp: URLSearchParams): FailedQuery {
  return parseFailedQuery((name) => sp.get(name));
}
