import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";

/** A namespace of its own for each test, so files can run in parallel on one server. */
export function testNamespace(label = "t"): string {
  return `test-${label}-${randomBytes(4).toString("hex")}`;
}

export function testRedis(): Redis {
  return new Redis(inject("redisUrl"), { maxRetriesPerRequest: 3 });
}

export { waitFor } from "./wait";

/** Deletes a test's namespace and closes its client: the teardown of every e2e file. */
export async function dropNamespace(redis: Redis | undefined, namespace: string): Promise<void> {
  if (!redis) return;
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
