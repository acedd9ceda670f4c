/**
 * The Redis server panel: `INFO` parsed into sections.
 */
import type { Connection } from "../connection";
import type { RedisInfo } from "./types";

/** Parses `INFO` text (`# Section` headers, `key:value` lines) into section → field → value. */
export function parseRedisInfo(text: string): RedisInfo {
  const out: RedisInfo = {};
  let section = "default";
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if (line.startsWith("#")) {
      section = line.slice(1).trim().toLowerCase();
      out[section] ??= {};
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    (out[section] ??= {})[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return out;
}

/**
 * Server facts for the dashboard (version, memory, clients, keyspace). `section` narrows the
 * reply, e.g. "memory"; the default is what `INFO` returns without arguments. 1 round trip.
 */
export async function getRedisInfo(conn: Connection, section?: string): Promise<RedisInfo> {
  // On a cluster: the primary holding the namespace, whose memory and clients the dashboard is about.
  const node = await conn.dataNode();
  const text = section ? await node.info(section) : await node.info();
  return parseRedisInfo(text);
}
