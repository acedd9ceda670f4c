/**
 * The Redis connection settings of this app, from the environment. The only module that reads
 * `REDIS_URL` (and php-resque's `REDIS_BACKEND` / `REDIS_BACKEND_DB`), the Sentinel variables
 * (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`, `REDIS_PASSWORD`, `REDIS_SENTINEL_PASSWORD`, …) and
 * the Cluster variable (`REDIS_CLUSTER`) and the namespace variables; every process (web,
 * supervisor, workers, scheduler, CLI, bench) builds its clients with createClient, so the three
 * forms (one server, Sentinel, Cluster) reach every one of them the same way.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import {
  clusterNamespaceProblem,
  Connection,
  DEFAULT_ACK_TIMEOUT_MS,
  normalizeNamespace,
  type DurabilityOptions,
  type RedisClient,
} from "./resque/index";

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
    }
  | {
      kind: "cluster";
      nodes: { host: string; port: number }[];
      username?: string;
      password?: string;
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

function nodeAddress(variable: string, defaultPort: number, item: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(item);
  const port = Number(m?.[3] ?? defaultPort);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${variable} must be host:port,host:port,…; cannot read ${JSON.stringify(item)}`);
  return { host: m[1] ?? m[2]!, port };
}

const addressList = (variable: string, defaultPort: number, list: string) =>
  list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => nodeAddress(variable, defaultPort, item));

/**
 * `REDIS_SENTINELS` set: the primary named `REDIS_SENTINEL_NAME` through those sentinels, with
 * `REDIS_PASSWORD` / `REDIS_USERNAME` (else the password, user and database of `REDIS_URL` /
 * `REDIS_BACKEND`, when given) for Redis and `REDIS_SENTINEL_PASSWORD` / `REDIS_SENTINEL_USERNAME`
 * for the sentinels. Otherwise the URL.
 */
export function redisTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const list = (env.REDIS_SENTINELS ?? "").trim();
  const clusterList = (env.REDIS_CLUSTER ?? "").trim();
  if (list && clusterList)
    throw new Error("REDIS_SENTINELS and REDIS_CLUSTER are both set: a Redis is either Sentinel-managed or a cluster");
  if (!list && !clusterList) return { kind: "url", url: redisUrlFromEnv(env) };
  const url = env.REDIS_URL || env.REDIS_BACKEND ? new URL(redisUrlFromEnv(env)) : undefined;
  const fromUrl = (s: string | undefined) => (s ? decodeURIComponent(s) : undefined);
  // REDIS_CLUSTER: any of the cluster's nodes (the client learns the rest from them), same passwords.
  if (clusterList)
    return {
      kind: "cluster",
      nodes: addressList("REDIS_CLUSTER", 6379, clusterList),
      username: env.REDIS_USERNAME || fromUrl(url?.username),
      password: env.REDIS_PASSWORD || fromUrl(url?.password),
    };
  const sentinels = addressList("REDIS_SENTINELS", 26379, list);
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

const hostList = (nodes: { host: string; port: number }[]) =>
  nodes.map((s) => (s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(",");
const sentinelList = (t: Extract<RedisTarget, { kind: "sentinel" }>) => hostList(t.sentinels);

/** Where the app's Redis is, safe to print (never a password): a URL, the master name and sentinel set, or the cluster's nodes. */
export function describeRedis(target: RedisTarget = redisTargetFromEnv()): string {
  if (target.kind === "url") return redactUrl(target.url);
  if (target.kind === "cluster") return `Redis Cluster via ${hostList(target.nodes)}`;
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

/**
 * Whether the namespace can be used with the target: on a cluster it needs a hash tag (one slot
 * for all its keys, lib/resque/cluster.ts); the sentence says what to set. Every process checks
 * this at start (workers/config.ts, instrumentation.ts) and Connection refuses such a namespace.
 */
export function namespaceProblem(target: RedisTarget, namespace: string): string | undefined {
  return target.kind === "cluster" ? clusterNamespaceProblem(normalizeNamespace(namespace)) : undefined;
}

/**
 * ioredis Cluster options from the same RedisOptions every caller passes: the retry strategy
 * becomes the cluster's (how often the slot map is fetched again while no node answers), the
 * rest applies to each node's connection.
 */
export function clusterOptions(
  target: Extract<RedisTarget, { kind: "cluster" }>,
  opts: RedisOptions = {},
): ClusterOptions {
  const { lazyConnect = true, retryStrategy, enableOfflineQueue, sentinelRetryStrategy: _sentinelOnly, ...node } = opts;
  return {
    lazyConnect,
    enableOfflineQueue,
    // Same cadence as with Sentinel: a promoted replica is found within half a second.
    clusterRetryStrategy: retryStrategy === undefined ? (times) => Math.min(times * 50, 500) : retryStrategy,
    // A command whose node died or whose slot has no primary yet is retried on the new slot map
    // every 200 ms; ioredis gives up after maxRedirections tries (16: about 3 s), and the
    // caller's own retry (a worker's back-off, the dashboard's next poll) carries on from there.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    redisOptions: { username: target.username, password: target.password, ...node },
  };
}

/** Ready-made ioredis options for a target; `opts` (timeouts, retry strategies) win. */
export function redisOptions(target: RedisTarget, opts: RedisOptions = {}): RedisOptions {
  if (target.kind === "cluster") throw new Error(`${describeRedis(target)} is not one server: see clusterOptions`);
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

/**
 * The app's client for a target, the one place that decides between one server, Sentinel and
 * Cluster: every process opens its Redis here.
 */
export function createClient(target: RedisTarget = redisTargetFromEnv(), opts: RedisOptions = {}): RedisClient {
  return target.kind === "cluster"
    ? new Cluster(target.nodes, clusterOptions(target, opts))
    : createRedis(target, opts);
}

/**
 * A plain ioredis client for one server (a URL) or a Sentinel-managed primary, for tools that
 * need exactly that (a bench against a given port); refuses a cluster (createClient takes it).
 */
export function createRedis(target: RedisTarget | string = redisTargetFromEnv(), opts: RedisOptions = {}): Redis {
  const t: RedisTarget = typeof target === "string" ? { kind: "url", url: target } : target;
  return t.kind === "url" ? new Redis(t.url, redisOptions(t, opts)) : new Redis(redisOptions(t, opts));
}

/** Closes a client and waits until its socket is gone, so no handle outlives a one-shot command. */
export async function closeRedis(redis: RedisClient): Promise<void> {
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
  const auth = { username: t.sentinelUsername, password: t.sentinelPassword };
  const replies = await Promise.all(
    t.sentinels.map((s) =>
      askOnce(s, auth, async (r) => {
        const addr = (await r.call("SENTINEL", "get-master-addr-by-name", t.name)) as string[] | null;
        const masters = addr ? [] : ((await r.call("SENTINEL", "masters")) as string[][]);
        const names = masters.map((m) => m[m.indexOf("name") + 1]!).filter(Boolean);
        return { addr, names };
      }),
    ),
  );
  const answering = replies.filter((r) => r.ok);
  if (answering.length === 0) {
    const last = replies.find((r) => !r.ok);
    return {
      message: `none of the sentinels in REDIS_SENTINELS (${sentinelList(t)}) answers${last && !last.ok ? `: ${last.error}` : ""}`,
      switching: false,
    };
  }
  const addr = answering.find((r) => r.value.addr)?.value.addr;
  if (!addr) {
    const known = [...new Set(answering.flatMap((r) => r.value.names))];
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
 * Asks each node of REDIS_CLUSTER for CLUSTER INFO, to turn a failed cluster connection into one
 * sentence: no node answers (not switching), or nodes answer but the cluster state is "fail" or a
 * slot has no primary yet, which is a failover under way.
 */
async function explainClusterFailure(
  t: Extract<RedisTarget, { kind: "cluster" }>,
  cause: string,
): Promise<{ message: string; switching: boolean }> {
  const states = await Promise.all(
    t.nodes.map((n) =>
      askOnce(n, t, async (r) => /cluster_state:(\w+)/.exec(String(await r.call("CLUSTER", "INFO")))?.[1] ?? "unknown"),
    ),
  );
  const answering = states.filter((s) => s.ok);
  if (answering.length === 0) {
    const last = states.find((s) => !s.ok);
    return {
      message: `none of the nodes in REDIS_CLUSTER (${hostList(t.nodes)}) answers${last && !last.ok ? `: ${last.error}` : ""}`,
      switching: false,
    };
  }
  return {
    message: `the cluster's nodes (${hostList(t.nodes)}) answer with cluster_state ${answering.map((s) => s.value).join("/")}: ${cause}`,
    switching: true,
  };
}

/**
 * Asks one server a question on a connection of its own that never retries (a start-up check
 * explaining a failure must not hang on it), then closes it; a failure is its message.
 */
async function askOnce<T>(
  at: { host: string; port: number },
  auth: { username?: string; password?: string },
  ask: (r: Redis) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const r = new Redis({
    host: at.host,
    port: at.port,
    username: auth.username,
    password: auth.password,
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return { ok: true, value: await ask(r) };
  } catch (e) {
    return { ok: false, error: (e as Error).message || "connection refused" };
  } finally {
    await closeRedis(r);
  }
}
/**
 * A one-shot client for the CLI and start-up checks, connected and answering PING, or an Error
 * whose message is one sentence naming what is wrong. With Sentinel, a primary that does not
 * answer while the sentinels know it is a failover under way (with Cluster: nodes that answer
 * while the cluster is not ready) is retried for up to `waitMs` (`onWait` says so once), so a
 * command typed during a switch runs once the new primary is there.
 */
export async function connectRedis(
  target: RedisTarget = redisTargetFromEnv(),
  opts: { waitMs?: number; onWait?: (line: string) => void; options?: RedisOptions } = {},
): Promise<RedisClient> {
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (let attempt = 0; ; attempt++) {
    const redis = createClient(target, {
      maxRetriesPerRequest: 1,
      connectTimeout: 3000,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      ...opts.options,
    });
    redis.on("error", () => {});
    let cause: string;
    try {
      // ioredis's Cluster.connect() never settles when its ready check fails with no retry allowed:
      // the client ends instead (seen with a primary just killed). Its "end" settles it here.
      const ended = new Promise<never>((_, reject) =>
        redis.once("end", () => reject(new Error("Cluster is disconnected (its ready check failed)"))),
      );
      ended.catch(() => undefined);
      await Promise.race([redis.connect(), ended]);
      // ioredis's ready check (INFO) refuses a server whose role is not "master" in Sentinel mode.
      await redis.ping();
      return redis;
    } catch (e) {
      cause = (e as Error).message || "connection refused";
      await closeRedis(redis);
    }
    if (target.kind === "url") throw new Error(`Cannot reach Redis at ${describeRedis(target)}: ${cause}`);
    const why =
      target.kind === "cluster"
        ? await explainClusterFailure(target, cause)
        : await explainSentinelFailure(target, cause);
    const switching = why.switching || isRedisSwitching(new Error(cause));
    if (!switching || Date.now() >= deadline) throw new Error(`Cannot reach Redis: ${why.message}`);
    if (!told) opts.onWait?.(`Redis is switching to a new primary (${why.message}); waiting for it…`);
    told = true;
    await new Promise((r) => setTimeout(r, Math.min(1000, 200 * 2 ** attempt)));
  }
}

const g = globalThis as unknown as { __resqueAdminRedis?: RedisClient };

/**
 * The web app's shared client, cached on globalThis so dev hot reload does not leak
 * connections; lazy, so `next build` importing route modules does not connect.
 */
export function getRedis(): RedisClient {
  // A client that ended (ioredis gives up on a connect it could not finish) is replaced, so the
  // dashboard is live again by itself instead of answering "Connection is closed" until a restart.
  if (g.__resqueAdminRedis?.status === "end") g.__resqueAdminRedis = undefined;
  if (!g.__resqueAdminRedis) {
    // Fail fast while Redis is away: a page answers "unreachable" in seconds instead of waiting out
    // ioredis's growing reconnect delays; reconnects are retried at most every 2 s.
    const redis = createClient(redisTargetFromEnv(), {
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
  /^(Connection is closed|Command timed out|Stream isn't writeable|connect E|Reached the max retries|LOADING|BUSY|MASTERDOWN|NOAUTH|WRONGPASS|READONLY|All sentinels are unreachable|-?ERR max number of clients|None of startup nodes is available|Failed to refresh slots cache|Too many Cluster redirections|Cluster is disconnected|Cluster isn't ready|Node is disconnected)/;
/**
 * Replies of a primary being replaced: a demoted one (READONLY), a replica without its primary,
 * one loading its data; on a cluster, a slot without a primary yet (CLUSTERDOWN), keys moving
 * (TRYAGAIN), or a slot now served elsewhere that ioredis did not follow (MOVED/ASK in a
 * pipeline's results: lib/resque/connection.ts asks for a fresh slot map).
 */
const SWITCHING_TEXT =
  /^(READONLY|MASTERDOWN|LOADING|CLUSTERDOWN|TRYAGAIN|MOVED \d+ |ASK \d+ )|\bREADONLY You can't write/;

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
 * replaced gives, or any unreachable error while Sentinel or a cluster manages the primary (the
 * sentinels or the other primaries promote a replica within seconds; the dashboard says so
 * instead of "Redis is down").
 */
export function isRedisSwitching(e: unknown, target?: RedisTarget): boolean {
  if (!(e instanceof Error)) return false;
  if (SWITCHING_TEXT.test(e.message)) return true;
  return (target?.kind === "sentinel" || target?.kind === "cluster") && isRedisUnreachable(e);
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
