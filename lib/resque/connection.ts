import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChainableCommander, Redis } from "ioredis";
import { makeKeys, type Keys } from "./keys";
import { ClusterNamespaceError, RedisCommandError } from "./errors";
import { clusterNamespaceProblem, isCluster, nodeFor, type RedisClient } from "./cluster";
import { confirmWrites, NO_DURABILITY, requireReplicas, type AckResult, type DurabilityOptions } from "./replica-ack";

/** Options shared by every engine entry point: an ioredis instance (or Cluster) from outside and a namespace. */
export interface ConnectionOptions {
  redis: RedisClient;
  /** Default `resque`; php's `PREFIX` and Ruby's namespace use the same value. */
  namespace?: string;
  /** `REDIS_MIN_REPLICAS_ACK`: writes wait for this many replicas (replica-ack.ts); default none. */
  durability?: DurabilityOptions;
}

const SCRIPT_NAMES = [
  "reserve",
  "fail-job",
  "unregister-worker",
  "heartbeat",
  "remove-queued",
  "enqueue",
  "failed-act",
  "key-info",
  "delayed-promote",
  "delayed-item",
  "delayed-remove-match",
  "retry-job",
  "scheduler-lock",
  "schedule-fire",
  "schedule-save",
  "history-sample",
  "failed-grep",
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

let scriptCache: Map<ScriptName, string> | undefined;

function luaDir(): string {
  // Next.js bundles this module into .next/, where import.meta.url no longer points at the
  // source tree; processes started from the project root find the scripts through cwd.
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), "lua"));
  } catch {
    /* not a file: URL */
  }
  candidates.push(path.join(process.cwd(), "lib", "resque", "lua"));
  for (const dir of candidates) {
    try {
      readFileSync(path.join(dir, "reserve.lua"));
      return dir;
    } catch {
      /* try the next */
    }
  }
  throw new Error(`Lua scripts not found (looked in ${candidates.join(", ")})`);
}

function loadScripts(): Map<ScriptName, string> {
  if (!scriptCache) {
    const dir = luaDir();
    // _lib.lua's shared functions are prepended to every script (Redis scripts cannot import).
    const lib = readFileSync(path.join(dir, "_lib.lua"), "utf8");
    scriptCache = new Map(SCRIPT_NAMES.map((n) => [n, lib + "\n" + readFileSync(path.join(dir, `${n}.lua`), "utf8")]));
  }
  return scriptCache;
}

const DEFINED = Symbol.for("resque-admin.scriptsDefined");

/**
 * The engine's handle on Redis: the client, the key names of one namespace, and the Lua
 * scripts registered with `defineCommand` (EVALSHA with automatic EVAL fallback).
 */
export class Connection {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly durability: DurabilityOptions;

  constructor(opts: ConnectionOptions) {
    this.redis = opts.redis;
    this.keys = makeKeys(opts.namespace);
    // On a cluster, a namespace spread over slots would fail its first script with CROSSSLOT.
    const problem = isCluster(this.redis) ? clusterNamespaceProblem(this.keys.ns) : undefined;
    if (problem) throw new ClusterNamespaceError(problem);
    this.durability = opts.durability ?? NO_DURABILITY;
    const r = this.redis as RedisClient & { [DEFINED]?: boolean };
    if (!r[DEFINED]) {
      for (const [name, lua] of loadScripts()) r.defineCommand("tsq_" + name.replace(/-/g, "_"), { lua });
      r[DEFINED] = true;
    }
  }

  /**
   * The server holding this namespace's keys, for commands that name no key (SCAN, INFO): the
   * client itself on one server, the primary of the namespace's slot on a cluster.
   */
  dataNode(): Promise<Redis> {
    return nodeFor(this.redis, this.keys.ns);
  }

  /** Whether writes wait for replicas (`REDIS_MIN_REPLICAS_ACK` ≥ 1). */
  get waitsForReplicas(): boolean {
    return this.durability.minReplicas > 0;
  }

  /** Waits until the replicas have this client's writes so far (no command when the option is off). */
  confirmWrites(): Promise<AckResult> {
    return confirmWrites(this.redis, this.durability, this.keys.ns);
  }

  /** confirmWrites, throwing NotReplicatedError naming `what` when the replicas did not confirm in time. */
  requireReplicas(what: string): Promise<void> {
    return requireReplicas(this.redis, this.durability, what, this.keys.ns);
  }

  /**
   * Runs a registered script with a variable number of keys; `buffers` for replies as raw bytes
   * (records that must be settled by their stored bytes: stored-bytes.ts).
   */
  run<T = unknown>(
    name: ScriptName,
    keys: (string | Buffer)[],
    args: (string | number | Buffer)[],
    opts: { buffers?: boolean } = {},
  ): Promise<T> {
    const fn = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[
      "tsq_" + name.replace(/-/g, "_") + (opts.buffers ? "Buffer" : "")
    ]!;
    return fn.call(this.redis, keys.length, ...keys, ...args);
  }

  /** Queues a registered script on a pipeline or transaction; `buffers` for replies as raw bytes. */
  runOn(
    pipe: ChainableCommander,
    name: ScriptName,
    keys: string[],
    args: (string | number)[],
    opts: { buffers?: boolean } = {},
  ): void {
    const fn = (pipe as unknown as Record<string, (...a: unknown[]) => unknown>)[
      "tsq_" + name.replace(/-/g, "_") + (opts.buffers ? "Buffer" : "")
    ]!;
    fn.call(pipe, keys.length, ...keys, ...args);
  }
}

/**
 * A cluster pipeline whose slot moved (a failover) and that ioredis did not resend: it resends
 * only when every command failed alike, so a keyless TIME that succeeded beside MOVED replies
 * leaves them in the results. Asks for a fresh slot map, so the next read goes to the new
 * primary; the MOVED reply is then thrown like any other (lib/redis.ts reads it as "switching").
 */
function refreshOnMoved(pipe: ChainableCommander, res: [Error | null, unknown][]): void {
  if (!res.some(([err]) => err && /^(MOVED|ASK) /.test(err.message))) return;
  const redis = (pipe as unknown as { redis?: RedisClient }).redis;
  if (redis && isCluster(redis)) redis.refreshSlotsCache();
}

/**
 * Executes a MULTI or pipeline and throws when any command in it failed: ioredis reports
 * per-command errors inside the result array rather than rejecting.
 */
export async function execAll(pipe: ChainableCommander): Promise<unknown[]> {
  const res = await pipe.exec();
  if (!res) throw new RedisCommandError("transaction aborted (a watched key changed)");
  refreshOnMoved(pipe, res);
  return res.map(([err, value]) => {
    if (err) throw new RedisCommandError(err.message);
    return value;
  });
}

/**
 * execAll for views over keys other clients write: a WRONGTYPE reply (a key holding another type
 * than the protocol says, e.g. a `worker:<id>` that is a list) reads as null instead of failing
 * the whole page, so one odd key cannot take a view down. Every other error still throws.
 */
export async function execReading(pipe: ChainableCommander): Promise<unknown[]> {
  const res = await pipe.exec();
  if (!res) throw new RedisCommandError("transaction aborted (a watched key changed)");
  refreshOnMoved(pipe, res);
  return res.map(([err, value]) => {
    if (err && !err.message.startsWith("WRONGTYPE")) throw new RedisCommandError(err.message);
    return err ? null : value;
  });
}
