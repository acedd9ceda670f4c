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

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Deletes a test's namespace and closes its client: the teardown of every e2e file. */
export async function dropNamespace(redis: Redis | undefined, namespace: string): Promise<void> {
  if (!redis) return;
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
