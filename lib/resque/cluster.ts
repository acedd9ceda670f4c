/**
 * Redis Cluster support for the engine (docs/redis-failover.md#cluster). The engine takes either
 * a plain ioredis `Redis` or its `Cluster` client. On a cluster every key of a namespace must
 * live in one slot: the Lua scripts and MULTI blocks touch many keys at once (a queue, the
 * queues set, a worker's record, the stats), and Redis refuses those across slots. A hash tag in
 * the namespace (`{resque}`) makes Redis hash only the tag, so `{resque}:queue:x` and
 * `{resque}:stat:processed` share a slot. Commands without keys (SCAN, INFO, WAIT, PUBLISH) go
 * to a random node by default: `nodeFor` sends them to the primary holding that slot instead.
 */
import type { Cluster, Redis, RedisOptions } from "ioredis";

/** What the engine accepts as its client: one server (or a Sentinel-managed primary) or a cluster. */
export type RedisClient = Redis | Cluster;

export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * The part of a key Redis Cluster hashes: the text between the first `{` and the next `}` when
 * that is not empty, else the whole key (the cluster specification's rule).
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf("{");
  if (open < 0) return undefined;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

// CRC16-CCITT (XMODEM), the checksum Redis Cluster takes modulo 16384.
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The cluster slot of a key (what `CLUSTER KEYSLOT` answers). */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key) ?? key, "utf8")) % 16384;
}

/**
 * Why a namespace cannot be used on a cluster, as one sentence saying what to set, or undefined
 * when its keys all share one slot. Our keys are `<namespace>:…`, so the tag must sit in the
 * namespace itself (a tag that only a later part of a key would complete does not count).
 */
export function clusterNamespaceProblem(namespace: string): string | undefined {
  const ns = namespace.replace(/:+$/, "");
  if (hashTagOf(ns + ":") !== undefined) return undefined;
  const suggestion = `{${ns.replace(/[{}]/g, "") || "resque"}}`;
  return (
    `On a Redis Cluster the namespace must carry a hash tag so that all its keys live in one slot: ` +
    `set RESQUE_NAMESPACE=${suggestion} (now ${JSON.stringify(ns)})`
  );
}

/**
 * The connection that serves `key`'s slot: the client itself when it is one server, else the
 * cluster's primary for that slot (after the cluster's first slot map is in). For commands with
 * no key that must reach the namespace's data: SCAN, INFO, and the durability option's WAIT.
 */
export async function nodeFor(redis: RedisClient, key: string): Promise<Redis> {
  if (!isCluster(redis)) return redis;
  // Not awaited: ioredis's Cluster.connect() never settles when its first ready check fails and a
  // retry connects instead (seen right after a primary died); the loop below waits on the slot map.
  if (redis.status === "wait") redis.connect().catch(() => undefined);
  const slot = keySlot(key);
  for (let attempt = 0; ; attempt++) {
    const owner = redis.slots[slot]?.[0];
    const node = owner && redis.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
    if (node) return node;
    // No live primary known for the slot (a failover under way): ask the cluster again, briefly.
    // Not by refreshSlotsCache's callback: ioredis does not always call it (seen right after a
    // primary died), and a promise waiting on nothing would let a CLI process exit silently.
    if (attempt >= 30) throw new Error(`CLUSTERDOWN no primary serves the namespace's slot ${slot}`);
    if (redis.status === "ready") redis.refreshSlotsCache();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A second client like `redis` for a blocking command or a side channel: `Redis.duplicate` or
 * `Cluster.duplicate`, whose option shapes differ (a cluster's per-node options sit in
 * `redisOptions`).
 */
export function duplicateClient(
  redis: RedisClient,
  opts: Pick<RedisOptions, "lazyConnect" | "connectionName" | "autoResendUnfulfilledCommands"> = {},
): RedisClient {
  if (!isCluster(redis)) return redis.duplicate(opts);
  // A cluster's own options hold lazyConnect; what each node's connection does is in redisOptions.
  const { lazyConnect, ...perNode } = opts;
  return redis.duplicate(undefined, {
    ...redis.options,
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    redisOptions: { ...redis.options.redisOptions, ...perNode },
  });
}
