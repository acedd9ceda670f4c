/**
 * A raw key browser for diagnosing interop problems: SCAN with COUNT for discovery (never
 * KEYS) and typed, paginated reads of one key.
 */
import { execAll, type Connection } from "../connection";
import { normalizePage } from "./paging";
import type { KeySummary, KeyValue, PageOptions, ScanKeysResult } from "./types";
import { clipText, DETAIL_CLIP } from "./clip";

/** Strings are shown up to this many bytes; a job payload is far smaller, a cache blob may not be. */
export const MAX_STRING_BYTES = 64 * 1024;

/**
 * One SCAN step plus type, size and TTL of each key found. Like every SCAN, a step may return
 * fewer keys than `count`, or none, while `cursor` is not yet "0".
 * O(count) redis calls, 2 round trips.
 */
export async function scanKeys(
  conn: Connection,
  opts: { cursor?: string; match?: string; count?: number; type?: string } = {},
): Promise<ScanKeysResult> {
  // A namespace may itself contain glob characters (`resque[1]`); MATCH must take them literally.
  const match = opts.match ?? conn.keys.ns.replace(/[*?[\]\\]/g, "\\$&") + "*";
  const count = Math.min(10_000, Math.max(1, Math.floor(opts.count ?? 100)));
  const cursor = opts.cursor ?? "0";
  const node = await conn.dataNode();
  const [next, keys] = opts.type
    ? await node.scan(cursor, "MATCH", match, "COUNT", count, "TYPE", opts.type)
    : await node.scan(cursor, "MATCH", match, "COUNT", count);
  const unique = [...new Set(keys)].sort();
  if (unique.length === 0) return { cursor: next, keys: [] };
  const info = await conn.run<(string | number)[]>("key-info", unique, []);
  const out: KeySummary[] = unique.map((key, i) => ({
    key,
    type: String(info[i * 3]),
    size: Number(info[i * 3 + 1]),
    ttl: Number(info[i * 3 + 2]),
  }));
  return { cursor: next, keys: out.filter((k) => k.type !== "none") };
}

/** An element of a collection as shown: at most 64 KB like a string value, well-formed (clip.ts). */
const cut = (s: string) => clipText(s, DETAIL_CLIP);

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/**
 * One key's value, typed and paginated: lists and sorted sets by page (LRANGE, ZRANGE by rank
 * WITHSCORES), sets and hashes by SCAN cursor (SSCAN/HSCAN, so `perPage` is a hint), streams
 * from the entry after `cursor` (XRANGE COUNT), strings truncated to 64 KiB.
 * O(perPage), 2 round trips.
 */
export async function getKeyValue(
  conn: Connection,
  key: string,
  opts: PageOptions & { cursor?: string } = {},
): Promise<KeyValue> {
  const { page, perPage, start, stop } = normalizePage(opts);
  const [type, ttl] = (await execAll(conn.redis.multi().type(key).ttl(key))) as [string, number];
  const r = conn.redis;
  const cursor = opts.cursor ?? "0";
  switch (type) {
    case "none":
      return { key, ttl, type: "none" };
    case "string": {
      const [size, head] = (await execAll(
        r
          .multi()
          .strlen(key)
          .getrangeBuffer(key, 0, MAX_STRING_BYTES - 1),
      )) as [number, Buffer];
      return { key, ttl, type: "string", size, value: head.toString("utf8"), truncated: size > MAX_STRING_BYTES };
    }
    case "list": {
      const [total, vals] = (await execAll(r.multi().llen(key).lrange(key, start, stop))) as [number, string[]];
      return {
        key,
        ttl,
        type: "list",
        page,
        perPage,
        total,
        items: vals.map((value, i) => ({ index: start + i, value: cut(value) })),
      };
    }
    case "zset": {
      const [total, flat] = (await execAll(
        r.multi().zcard(key).zrange(key, String(start), String(stop), "WITHSCORES"),
      )) as [number, string[]];
      return {
        key,
        ttl,
        type: "zset",
        page,
        perPage,
        total,
        items: pairs(flat).map(([member, score], i) => ({ rank: start + i, member: cut(member), score })),
      };
    }
    case "set": {
      const [total, [next, members]] = (await execAll(r.multi().scard(key).sscan(key, cursor, "COUNT", perPage))) as [
        number,
        [string, string[]],
      ];
      return { key, ttl, type: "set", total, cursor, nextCursor: next, items: members.map(cut) };
    }
    case "hash": {
      const [total, [next, flat]] = (await execAll(r.multi().hlen(key).hscan(key, cursor, "COUNT", perPage))) as [
        number,
        [string, string[]],
      ];
      return {
        key,
        ttl,
        type: "hash",
        total,
        cursor,
        nextCursor: next,
        items: pairs(flat).map(([field, value]) => ({ field: cut(field), value: cut(value) })),
      };
    }
    case "stream": {
      const from = cursor === "0" ? "-" : "(" + cursor;
      const [total, entries] = (await execAll(r.multi().xlen(key).xrange(key, from, "+", "COUNT", perPage))) as [
        number,
        [string, string[]][],
      ];
      const items = entries.map(([id, flat]) => ({
        id,
        fields: pairs(flat).map(([f, v]): [string, string] => [cut(f), cut(v)]),
      }));
      const nextCursor = items.length === perPage ? items[items.length - 1]!.id : "0";
      return { key, ttl, type: "stream", total, cursor, nextCursor, items };
    }
    default:
      return { key, ttl, type: "other", redisType: type };
  }
}
