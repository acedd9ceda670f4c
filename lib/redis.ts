/**
 * The Redis connection settings of this app, from the environment. The only module that reads
 * `REDIS_URL` (and php-resque's `REDIS_BACKEND` / `REDIS_BACKEND_DB`), the Sentinel variables
 * (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`, `REDIS_PASSWORD`, `REDIS_SENTINEL_PASSWORD`, …) and
 * the namespace variables; every process (web, supervisor, workers, scheduler, CLI, bench) builds
 * its clients with createRedis, so both forms reach every one of them the same way.
 */
import { Redis, type RedisOptions } from "ioredis";
import { Connection, DEFAULT_ACK_TIMEOUT_MS, type DurabilityOptions } from "./resque/index";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** Sentinel's own default master name (sentinel.conf's example), used when REDIS_SENTINEL_NAME is unset. */
export const DEFAULT_SENTINEL_NAME = "mymaster";

/** One Redis server (a URL) or a primary found through Sentinel by its master name. */
export type RedisTarget =
  | { kind: "url"; url: string }
  | {
      kind: "sentinel";
      sentinels: { host: string; port: number }[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    };

/** `REDIS_URL`, else php's `REDIS_BACKEND` (`host:port` or a DSN) with `REDIS_BACKEND_DB`. */
export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REDIS_URL) return env.REDIS_URL;
  const backend = env.REDIS_BACKEND;
  if (!backend) return DEFAULT_REDIS_URL;
  const url = new URL(/^[a-z]+:\/\//i.test(backend) ? backend : `redis://${backend}`);
  if (env.REDIS_BACKEND_DB) url.pathname = `/${Number(env.REDIS_BACKEND_DB)}`;
  return url.toString();
}

function sentinelAddress(item: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(item);
  const port = Number(m?.[3] ?? 26379);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`REDIS_SENTINELS must be host:port,host:port,…; cannot read ${JSON.stringify(item)}`);
  return { host: m[1] ?? m[2]!, port };
}

/**
 * `REDIS_SENTINELS` set: the primary named `REDIS_SENTINEL_NAME` through those sentinels, with
 * `REDIS_PASSWORD` / `REDIS_USERNAME` (else the password, user and database of `REDIS_URL` /
 * `REDIS_BACKEND`, when given) for Redis and `REDIS_SENTINEL_PASSWORD` / `REDIS_SENTINEL_USERNAME`
 * for the sentinels. Otherwise the URL.
 */
export function redisTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const list = (env.REDIS_SENTINELS ?? "").trim();
  if (!list) return { kind: "url", url: redisUrlFromEnv(env) };
  const sentinels = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(sentinelAddress);
  const url = env.REDIS_URL || env.REDIS_BACKEND ? new URL(redisUrlFromEnv(env)) : undefined;
  const fromUrl = (s: string | undefined) => (s ? decodeURIComponent(s) : undefined);
  return {
    kind: "sentinel",
    sentinels,
    name: env.REDIS_SENTINEL_NAME || DEFAULT_SENTINEL_NAME,
    db: Number(url?.pathname.slice(1) || 0) || 0,
    username: env.REDIS_USERNAME || fromUrl(url?.username),
    password: env.REDIS_PASSWORD || fromUrl(url?.password),
    sentinelUsername: env.REDIS_SENTINEL_USERNAME || undefined,
    sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined,
  };
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

const sentinelList = (t: Extract<RedisTarget, { kind: "sentinel" }>) =>
  t.sentinels.map((s) => (s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(",");

/** Where the app's Redis is, safe to print (never a password): a URL, or the master name and sentinel set. */
export function describeRedis(target: RedisTarget = redisTargetFromEnv()): string {
  if (target.kind === "url") return redactUrl(target.url);
  return `Sentinel master "${target.name}" via ${sentinelList(target)}${target.db ? ` (db ${target.db})` : ""}`;
}

/**
 * After a failover a connection may still reach the demoted primary, now a replica: its writes
 * answer READONLY. Reconnecting (through the sentinels, which name the new primary) and resending
 * the command is safe, because a refused write did nothing.
 */
export function reconnectOnReadonly(err: Error): 2 | false {
  return /^READONLY\b|\bREADONLY You can't write/.test(err.message) ? 2 : false;
}

/** Ready-made ioredis options for a target; `opts` (timeouts, retry strategies) win. */
export function redisOptions(target: RedisTarget, opts: RedisOptions = {}): RedisOptions {
  // Only with Sentinel: reconnecting to a URL reaches the same replica, a reconnect loop for nothing.
  if (target.kind === "url") return { lazyConnect: true, ...opts };
  return {
    lazyConnect: true,
    reconnectOnError: reconnectOnReadonly,
    sentinels: target.sentinels,
    name: target.name,
    role: "master",
    db: target.db,
    username: target.username,
    password: target.password,
    sentinelUsername: target.sentinelUsername,
    sentinelPassword: target.sentinelPassword,
    // Not ioredis's failoverDetector: its +switch-master disconnect, arriving while the client is
    // already reconnecting after the primary died, ends the client for good (status "end", every
    // later command "Connection is closed."; seen in tests/e2e/sentinel.test.ts). A dead primary
    // closes our sockets anyway, and a demoted one answers READONLY (reconnectOnReadonly above).
    failoverDetector: false,
    // Each reconnect asks a sentinel again: a short cap (ioredis's default grows to 2 s) means the
    // new primary is found within half a second of its promotion; a sentinel query and a refused
    // connect per attempt are cheap for the few seconds a failover lasts.
    retryStrategy: (times) => Math.min(times * 50, 500),
    ...opts,
  };
}

export function createRedis(target: RedisTarget | string = redisTargetFromEnv(), opts: RedisOptions = {}): Redis {
  const t: RedisTarget = typeof target === "string" ? { kind: "url", url: target } : target;
  return t.kind === "url" ? new Redis(t.url, redisOptions(t, opts)) : new Redis(redisOptions(t, opts));
}

/** Closes a client and waits until its socket is gone, so no handle outlives a one-shot command. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000); // never wait forever on a connection that says nothing
    redis.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    redis.disconnect();
  });
}

/**
 * Asks each sentinel for the master's address, to turn a failed connection into one sentence:
 * no sentinel answers, no master of that name, or the named primary itself does not answer.
 */
async function explainSentinelFailure(
  t: Extract<RedisTarget, { kind: "sentinel" }>,
  cause: string,
): Promise<{ message: string; switching: boolean }> {
  const replies = await Promise.all(
    t.sentinels.map(async (s) => {
      const r = new Redis({
        host: s.host,
        port: s.port,
        username: t.sentinelUsername,
        password: t.sentinelPassword,
        lazyConnect: true,
        connectTimeout: 2000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      r.on("error", () => {});
      try {
        await r.connect();
        const addr = (await r.call("SENTINEL", "get-master-addr-by-name", t.name)) as string[] | null;
        const masters = addr ? [] : ((await r.call("SENTINEL", "masters")) as string[][]);
        const names = masters.map((m) => m[m.indexOf("name") + 1]!).filter(Boolean);
        return { ok: true as const, addr, names };
      } catch (e) {
        return { ok: false as const, error: (e as Error).message || "connection refused" };
      } finally {
        await closeRedis(r);
      }
    }),
  );
  const answering = replies.filter((r) => r.ok);
  if (answering.length === 0) {
    const last = replies.find((r) => !r.ok);
    return {
      message: `none of the sentinels in REDIS_SENTINELS (${sentinelList(t)}) answers${last && !last.ok ? `: ${last.error}` : ""}`,
      switching: false,
    };
  }
  const addr = answering.find((r) => r.addr)?.addr;
  if (!addr) {
    const known = [...new Set(answering.flatMap((r) => r.names))];
    return {
      message:
        `the sentinels (${sentinelList(t)}) know no master named "${t.name}" (REDIS_SENTINEL_NAME); ` +
        (known.length ? `they know: ${known.join(", ")}` : "they watch no master"),
      switching: false,
    };
  }
  return {
    message: `Redis master "${t.name}" at ${addr[0]}:${addr[1]} (named by the sentinels) does not answer: ${cause}`,
    switching: true,
  };
}

/**
 * A one-shot client for the CLI and start-up checks, connected and answering PING, or an Error
 * whose message is one sentence naming what is wrong. With Sentinel, a primary that does not
 * answer while the sentinels know it is a failover under way: it is retried for up to `waitMs`
 * (`onWait` says so once), so a command typed during a switch runs once the new primary is there.
 */
export async function connectRedis(
  target: RedisTarget = redisTargetFromEnv(),
  opts: { waitMs?: number; onWait?: (line: string) => void; options?: RedisOptions } = {},
): Promise<Redis> {
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (let attempt = 0; ; attempt++) {
    const redis = createRedis(target, {
      maxRetriesPerRequest: 1,
      connectTimeout: 3000,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      ...opts.options,
    });
    redis.on("error", () => {});
    let cause: string;
    try {
      await redis.connect();
      // ioredis's ready check (INFO) refuses a server whose role is not "master" in Sentinel mode.
      await redis.ping();
      return redis;
    } catch (e) {
      cause = (e as Error).message || "connection refused";
      await closeRedis(redis);
    }
    if (target.kind === "url") throw new Error(`Cannot reach Redis at ${describeRedis(target)}: ${cause}`);
    const why = await explainSentinelFailure(target, cause);
    const switching = why.switching || isRedisSwitching(new Error(cause));
    if (!switching || Date.now() >= deadline) throw new Error(`Cannot reach Redis: ${why.message}`);
    if (!told) opts.onWait?.(`Redis is switching to a new primary (${why.message}); waiting for it…`);
    told = true;
    await new Promise((r) => setTimeout(r, Math.min(1000, 200 * 2 ** attempt)));
  }
}

const g = globalThis as unknown as { __resqueAdminRedis?: Redis };

/**
 * The web app's shared client, cached on globalThis so dev hot reload does not leak
 * connections; lazy, so `next build` importing route modules does not connect.
 */
export function getRedis(): Redis {
  // A client that ended (ioredis gives up on a connect it could not finish) is replaced, so the
  // dashboard is live again by itself instead of answering "Connection is closed" until a restart.
  if (g.__resqueAdminRedis?.status === "end") g.__resqueAdminRedis = undefined;
  if (!g.__resqueAdminRedis) {
    // Fail fast while Redis is away: a page answers "unreachable" in seconds instead of waiting out
    // ioredis's growing reconnect delays; reconnects are retried at most every 2 s.
    const redis = createRedis(redisTargetFromEnv(), {
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 3000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      sentinelRetryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Every failed command reports its own error to the page asking; the event would only be noise.
    redis.on("error", () => {});
    g.__resqueAdminRedis = redis;
  }
  return g.__resqueAdminRedis;
}

/** The web app's engine handle on the configured namespace. */
export function getConnection(): Connection {
  return new Connection({ redis: getRedis(), namespace: namespaceFromEnv(), durability: durabilityFromEnv() });
}

/** Driver codes and reply prefixes that mean Redis cannot answer now, as opposed to a bad record or a bug. */
const UNREACHABLE_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|NR_CLOSED)$/;
const UNREACHABLE_TEXT =
  /^(Connection is closed|Command timed out|Stream isn't writeable|connect E|Reached the max retries|LOADING|BUSY|MASTERDOWN|NOAUTH|WRONGPASS|READONLY|All sentinels are unreachable|-?ERR max number of clients)/;
/** Replies of a primary being replaced: a demoted one (READONLY), a replica without its primary, one loading its data. */
const SWITCHING_TEXT = /^(READONLY|MASTERDOWN|LOADING)|\bREADONLY You can't write/;

/**
 * Whether an error means Redis is away (down, refusing, timing out, loading, switching primaries,
 * or our credentials refused): only those are reported as "Redis is unreachable". Anything else —
 * a wrong-typed key, a stack overflow in a decoder, a bug — is a server error, logged, never the
 * Redis banner.
 */
export function isRedisUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === "MaxRetriesPerRequestError" || e.name === "ClusterAllFailedError") return true;
  const code = (e as NodeJS.ErrnoException).code;
  return (
    (typeof code === "string" && UNREACHABLE_CODES.test(code)) ||
    UNREACHABLE_TEXT.test(e.message) ||
    SWITCHING_TEXT.test(e.message)
  );
}

/**
 * Whether an unreachable Redis is most likely a failover under way: a reply only a primary being
 * replaced gives, or any unreachable error while Sentinel manages the primary (the sentinels
 * promote a replica within seconds; the dashboard says so instead of "Redis is down").
 */
export function isRedisSwitching(e: unknown, target?: RedisTarget): boolean {
  if (!(e instanceof Error)) return false;
  if (SWITCHING_TEXT.test(e.message)) return true;
  return target?.kind === "sentinel" && isRedisUnreachable(e);
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
