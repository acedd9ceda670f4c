/**
 * Redis Cluster's pure parts: key slots and hash tags (lib/resque/cluster.ts), the namespace rule,
 * REDIS_CLUSTER read from the environment and turned into ioredis Cluster options, and which
 * cluster errors the dashboard calls "switching" (lib/redis.ts).
 */
import { describe, expect, it } from "vitest";
import { clusterNamespaceProblem, hashTagOf, keySlot } from "@/lib/resque/cluster";
import {
  clusterOptions,
  describeRedis,
  isRedisSwitching,
  isRedisUnreachable,
  namespaceProblem,
  redisTargetFromEnv as fromEnv,
} from "@/lib/redis";

/** Only the variables a case names (the project's ProcessEnv type requires NODE_ENV). */
const redisTargetFromEnv = (env: Record<string, string>) => fromEnv(env as NodeJS.ProcessEnv);

describe("key slots", () => {
  it("matches CLUSTER KEYSLOT (the specification's CRC16 and Redis's own answers)", () => {
    // CRC16/XMODEM("123456789") is 0x31C3, the specification's check value.
    expect(keySlot("123456789")).toBe(0x31c3);
    // Redis's documented replies to CLUSTER KEYSLOT.
    expect(keySlot("somekey")).toBe(11058);
    expect(keySlot("foo{hash_tag}")).toBe(2515);
    expect(keySlot("bar{hash_tag}")).toBe(2515);
  });

  it("hashes only the first non-empty {tag}, as the specification says", () => {
    expect(hashTagOf("{user1000}.following")).toBe("user1000");
    expect(keySlot("{user1000}.following")).toBe(keySlot("{user1000}.followers"));
    expect(hashTagOf("foo{}{bar}")).toBeUndefined(); // empty first tag: the whole key
    expect(hashTagOf("foo{{bar}}zap")).toBe("{bar");
    expect(hashTagOf("foo{bar}{zap}")).toBe("bar");
    expect(hashTagOf("no tag")).toBeUndefined();
    expect(keySlot("{resque}:queue:default")).toBe(keySlot("{resque}:stat:processed"));
  });
});

describe("a namespace on a cluster", () => {
  it("is accepted with a hash tag of its own", () => {
    for (const ns of ["{resque}", "{resque}:", "app{jobs}", "{a}b"])
      expect(clusterNamespaceProblem(ns)).toBeUndefined();
  });

  it("is refused without one, saying what to set", () => {
    expect(clusterNamespaceProblem("resque:")).toBe(
      "On a Redis Cluster the namespace must carry a hash tag so that all its keys live in one slot: " +
        'set RESQUE_NAMESPACE={resque} (now "resque")',
    );
    // A tag that a later part of a key would close, an empty tag, no namespace at all.
    expect(clusterNamespaceProblem("{resque")).toMatch(/set RESQUE_NAMESPACE=\{resque\} \(now "\{resque"\)$/);
    expect(clusterNamespaceProblem("{}jobs")).toMatch(/set RESQUE_NAMESPACE=\{jobs\}/);
    expect(clusterNamespaceProblem("")).toMatch(/set RESQUE_NAMESPACE=\{resque\} \(now ""\)$/);
  });

  it("only matters on a cluster", () => {
    expect(namespaceProblem(redisTargetFromEnv({}), "resque")).toBeUndefined();
    expect(namespaceProblem(redisTargetFromEnv({ REDIS_SENTINELS: "a:1" }), "resque")).toBeUndefined();
    expect(namespaceProblem(redisTargetFromEnv({ REDIS_CLUSTER: "a:1" }), "resque")).toMatch(/hash tag/);
    expect(namespaceProblem(redisTargetFromEnv({ REDIS_CLUSTER: "a:1" }), "{resque}")).toBeUndefined();
  });
});

describe("REDIS_CLUSTER", () => {
  it("reads the node list (port 6379 by default) and the same password variables as Sentinel", () => {
    const t = redisTargetFromEnv({
      REDIS_CLUSTER: " 10.0.0.1:7000, 10.0.0.2 ,[::1]:7002",
      REDIS_URL: "redis://app:url-pw@ignored:1/0",
      REDIS_PASSWORD: "pw",
    });
    expect(t).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 6379 },
        { host: "::1", port: 7002 },
      ],
      username: "app",
      password: "pw",
    });
    expect(describeRedis(t)).toBe("Redis Cluster via 10.0.0.1:7000,10.0.0.2:6379,[::1]:7002");
    expect(describeRedis(t)).not.toMatch(/pw/);
  });

  it("refuses an unreadable list, and Sentinel and Cluster together", () => {
    expect(() => redisTargetFromEnv({ REDIS_CLUSTER: "a:1,b:x" })).toThrow(/^REDIS_CLUSTER must be host:port/);
    expect(() => redisTargetFromEnv({ REDIS_CLUSTER: "a:1", REDIS_SENTINELS: "b:2" })).toThrow(/both set/);
  });

  it("becomes ioredis Cluster options: the retry strategy for the slot map, the rest for each node", () => {
    const t = redisTargetFromEnv({ REDIS_CLUSTER: "a:1", REDIS_PASSWORD: "pw" });
    if (t.kind !== "cluster") throw new Error("not a cluster");
    const retry = () => null;
    const o = clusterOptions(t, {
      lazyConnect: false,
      retryStrategy: retry,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
    });
    expect(o).toMatchObject({
      lazyConnect: false,
      clusterRetryStrategy: retry,
      redisOptions: { password: "pw", connectTimeout: 2000, maxRetriesPerRequest: 1 },
    });
    expect(o.redisOptions).not.toHaveProperty("retryStrategy");
    expect(clusterOptions(t).lazyConnect).toBe(true);
  });
});

describe("cluster errors on the dashboard", () => {
  const cluster = redisTargetFromEnv({ REDIS_CLUSTER: "a:1" });
  const url = redisTargetFromEnv({});
  it("reads a slot without a primary, a failed slot refresh or a lost node as 'switching', never a raw error", () => {
    for (const message of [
      "CLUSTERDOWN The cluster is down",
      "TRYAGAIN Multiple keys request during rehashing of slot",
      "Failed to refresh slots cache.",
      "Too many Cluster redirections. Last error: Error: Connection is closed.",
      "None of startup nodes is available",
      "MOVED 63 127.0.0.1:7001", // in a pipeline's results, which ioredis does not resend when mixed
    ]) {
      const e = new Error(message);
      expect(isRedisUnreachable(e), message).toBe(true);
      expect(isRedisSwitching(e, cluster), message).toBe(true);
    }
    // A refused connection on one server is "down", on a cluster a failover under way.
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(isRedisSwitching(refused, url)).toBe(false);
    expect(isRedisSwitching(refused, cluster)).toBe(true);
    // A cross-slot reply is a bug (a key outside the namespace's slot), never the Redis banner.
    expect(isRedisUnreachable(new Error("CROSSSLOT Keys in request don't hash to the same slot"))).toBe(false);
  });
});
