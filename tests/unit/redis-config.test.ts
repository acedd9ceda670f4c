import { describe, expect, it } from "vitest";
import {
  describeRedis,
  isRedisSwitching,
  isRedisUnreachable,
  reconnectOnReadonly,
  redisOptions,
  redisTargetFromEnv as fromEnv,
} from "@/lib/redis";

/** Only the variables a case names (the project's ProcessEnv type requires NODE_ENV). */
const redisTargetFromEnv = (env: Record<string, string>) => fromEnv(env as NodeJS.ProcessEnv);

describe("Redis settings: URL or Sentinel (lib/redis.ts)", () => {
  it("reads REDIS_URL when no sentinel is named", () => {
    expect(redisTargetFromEnv({ REDIS_URL: "redis://:pw@h:6380/2" })).toEqual({
      kind: "url",
      url: "redis://:pw@h:6380/2",
    });
    expect(describeRedis(redisTargetFromEnv({ REDIS_URL: "redis://:pw@h:6380/2" }))).toBe("redis://:***@h:6380/2");
  });

  it("reads the sentinel list, master name and both passwords; the URL lends its password and db", () => {
    const t = redisTargetFromEnv({
      REDIS_SENTINELS: " 10.0.0.1:26380, sentinel-b ,[::1]:26381",
      REDIS_SENTINEL_NAME: "jobs",
      REDIS_URL: "redis://app:url-pw@ignored:1/3",
      REDIS_SENTINEL_PASSWORD: "s-pw",
    });
    expect(t).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "10.0.0.1", port: 26380 },
        { host: "sentinel-b", port: 26379 },
        { host: "::1", port: 26381 },
      ],
      name: "jobs",
      db: 3,
      username: "app",
      password: "url-pw",
      sentinelUsername: undefined,
      sentinelPassword: "s-pw",
    });
    // REDIS_PASSWORD wins over the URL's; the master name defaults to Sentinel's own example name.
    const t2 = redisTargetFromEnv({ REDIS_SENTINELS: "a:1", REDIS_PASSWORD: "env-pw", REDIS_URL: "redis://:url-pw@x" });
    expect(t2).toMatchObject({ name: "mymaster", password: "env-pw", db: 0 });
    // Printed without any password, with the set and the master name.
    const printed = describeRedis(t);
    expect(printed).toBe('Sentinel master "jobs" via 10.0.0.1:26380,sentinel-b:26379,[::1]:26381 (db 3)');
    expect(printed).not.toMatch(/pw/);
  });

  it("refuses a sentinel list it cannot read, naming the variable", () => {
    expect(() => redisTargetFromEnv({ REDIS_SENTINELS: "a:1,b:notaport" })).toThrow(
      /REDIS_SENTINELS must be host:port/,
    );
  });

  it("builds ioredis's Sentinel options, resending on READONLY", () => {
    const o = redisOptions(redisTargetFromEnv({ REDIS_SENTINELS: "a:1", REDIS_SENTINEL_PASSWORD: "s" }), {
      maxRetriesPerRequest: 1,
    });
    expect(o).toMatchObject({
      sentinels: [{ host: "a", port: 1 }],
      name: "mymaster",
      role: "master",
      sentinelPassword: "s",
    });
    expect(o.maxRetriesPerRequest).toBe(1);
    expect(reconnectOnReadonly(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(
      reconnectOnReadonly(
        new Error("ERR Error running script: @user_script:1: READONLY You can't write against a read only replica."),
      ),
    ).toBe(2);
    expect(reconnectOnReadonly(new Error("WRONGTYPE Operation against a key"))).toBe(false);
  });

  it("counts a primary being replaced as switching, never as a server error", () => {
    const sentinel = redisTargetFromEnv({ REDIS_SENTINELS: "a:1" });
    const url = redisTargetFromEnv({ REDIS_URL: "redis://h" });
    for (const m of [
      "READONLY You can't write against a read only replica.",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      "LOADING Redis is loading the dataset in memory",
    ]) {
      expect(isRedisUnreachable(new Error(m))).toBe(true);
      expect(isRedisSwitching(new Error(m), url)).toBe(true);
    }
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    expect(isRedisSwitching(refused, sentinel)).toBe(true);
    expect(isRedisSwitching(refused, url)).toBe(false);
    expect(isRedisUnreachable(new Error("All sentinels are unreachable. Retrying from scratch after 10ms."))).toBe(
      true,
    );
    expect(isRedisSwitching(new Error("WRONGTYPE Operation against a key"), sentinel)).toBe(false);
  });
});
