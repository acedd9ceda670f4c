/**
 * The Redis connection settings of this app, from the environment. The only module that reads
 * `REDIS_URL` (and php-resque's `REDIS_BACKEND` / `REDIS_BACKEND_DB`) and the namespace variables.
 */
import { Redis, type RedisOptions } from "ioredis";
import { Connection, DEFAULT_ACK_TIMEOUT_MS, type DurabilityOptions } from "./resque/index";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** `REDIS_URL`, else php's `REDIS_BACKEND` (`host:port` or a DSN) with `REDIS_BACKEND_DB`. */
export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REDIS_URL) return env.REDIS_URL;
  const backend = env.REDIS_BACKEND;
  if (!backend) return DEFAULT_REDIS_URL;
  const url = new URL(/^[a-z]+:\/\//i.test(backend) ? backend : `redis://${backend}`);
  if (env.REDIS_BACKEND_DB) url.pathname = `/${Number(env.REDIS_BACKEND_DB)}`;
  return url.toString();
}

/** `RESQUE_NAMESPACE`, else php's `PREFIX`, else `resque`. */
export function namespaceFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.RESQUE_NAMESPACE ?? env.PREFIX ?? "resque";
}

/** A URL safe to print: the password is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

export function createRedis(url = redisUrlFromEnv(), opts: RedisOptions = {}): Redis {
  return new Redis(url, { lazyConnect: true, ...opts });
}

const g = globalThis as unknown as { __resqueAdminRedis?: Redis };

/**
 * The web app's shared client, cached on globalThis so dev hot reload does not leak
 * connections; lazy, so `next build` importing route modules does not connect.
 */
export function getRedis(): Redis {
  // Fail fast while Redis is away: a page answers "unreachable" in seconds instead of waiting out
  // ioredis's growing reconnect delays; reconnects are retried at most every 2 s.
  return (g.__resqueAdminRedis ??= createRedis(redisUrlFromEnv(), {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  }));
}

/** The web app's engine handle on the configured namespace. */
export function getConnection(): Connection {
  return new Connection({ redis: getRedis(), namespace: namespaceFromEnv(), durability: durabilityFromEnv() });
}

/** Driver codes and reply prefixes that mean Redis cannot answer now, as opposed to a bad record or a bug. */
const UNREACHABLE_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|NR_CLOSED)$/;
const UNREACHABLE_TEXT =
  /^(Connection is closed|Command timed out|Stream isn't writeable|connect E|Reached the max retries|LOADING|BUSY|MASTERDOWN|NOAUTH|WRONGPASS|-?ERR max number of clients)/;

/**
 * Whether an error means Redis is away (down, refusing, timing out, loading, or our credentials
 * refused): only those are reported as "Redis is unreachable". Anything else — a wrong-typed key,
 * a stack overflow in a decoder, a bug — is a server error, logged, never the Redis banner.
 */
export function isRedisUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === "MaxRetriesPerRequestError" || e.name === "ClusterAllFailedError") return true;
  const code = (e as NodeJS.ErrnoException).code;
  return (typeof code === "string" && UNREACHABLE_CODES.test(code)) || UNREACHABLE_TEXT.test(e.message);
}

/**
 * `REDIS_MIN_REPLICAS_ACK` (default 0: no WAIT at all) and `REDIS_ACK_TIMEOUT_MS` (default 1000,
 * lib/resque/replica-ack.ts says why): how many replicas must confirm an enqueue, finish, failure,
 * delayed move or retry before it counts as done (docs/architecture.md#durability).
 */
export function durabilityFromEnv(env: NodeJS.ProcessEnv = process.env): DurabilityOptions {
  const whole = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${name} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    minReplicas: whole("REDIS_MIN_REPLICAS_ACK", env.REDIS_MIN_REPLICAS_ACK, 0, 0),
    // 0 would make WAIT block for ever: at least 1 ms.
    timeoutMs: whole("REDIS_ACK_TIMEOUT_MS", env.REDIS_ACK_TIMEOUT_MS, DEFAULT_ACK_TIMEOUT_MS, 1),
  };
}
