/**
 * The durability option (`REDIS_MIN_REPLICAS_ACK`, docs/architecture.md#durability): after a
 * write counts as done, `WAIT n timeout` until n replicas have it.
 *
 * WAIT waits for the replication offset of the last write made on the connection it is sent on.
 * Offsets are one stream for the whole server, so a write made later on ANY connection has a
 * higher offset: a replica that acknowledged it has everything before it. Each ioredis client
 * therefore gets one side connection for its WAITs, which first sends a PUBLISH (replicated, so
 * it is a write with an offset of its own, and touches no key) and then the WAIT. The client's
 * own connection is never blocked by a WAIT: while a replica is slow or away, its reads and
 * writes (a dashboard page, a worker's next reserve) go on; only the callers that asked for a
 * confirmation wait.
 *
 * One WAIT answers for every write made before its PUBLISH, so concurrent callers share it: while
 * a WAIT is out, callers join the next one (the one in flight may have left before their write),
 * sent when it returns. A burst of enqueues or a worker's loop therefore costs a few WAITs, never
 * one per job. Blocking connections (BLPOP) never call this.
 *
 * On a Redis Cluster, WAIT only counts the replicas of the node it is sent to, so the side
 * connection's PUBLISH and WAIT both go to the primary holding the namespace's slot (nodeFor),
 * looked up again for each WAIT so that a promoted replica is asked after a failover.
 */
import { duplicateClient, isCluster, nodeFor, type RedisClient } from "./cluster";
import { NotReplicatedError } from "./errors";

export interface DurabilityOptions {
  /** Replicas that must confirm a write before it counts as done; 0 (the default) sends no WAIT. */
  minReplicas: number;
  /** How long a WAIT may block before the write is reported unconfirmed (ms, at least 1). */
  timeoutMs: number;
}

/**
 * 1 s: a replica that is up confirms within a few ms (its ack is asked for at once, not at its
 * once-a-second REPLCONF ACK), so only a replica that is down or cut off reaches it; it stays well
 * under the web client's 3 s command timeout, so the dashboard answers with our sentence rather
 * than "Command timed out"; and it is how long a button or a worker's loop turn waits while a
 * replica is away.
 */
export const DEFAULT_ACK_TIMEOUT_MS = 1000;

export const NO_DURABILITY: DurabilityOptions = { minReplicas: 0, timeoutMs: DEFAULT_ACK_TIMEOUT_MS };

/** What one WAIT answered. */
export interface AckResult {
  ok: boolean;
  /** Replicas that confirmed. */
  replicas: number;
  wanted: number;
  timeoutMs: number;
}

interface Next {
  promise: Promise<number>;
  minReplicas: number;
  timeoutMs: number;
}

/** Where the side connection's PUBLISH goes: nobody listens; it exists to be a replicated write. */
export const ACK_CHANNEL = "tsq:replica-ack";

/** One client's WAITs: at most one in flight, every later caller sharing the next. */
class AckBatcher {
  private inFlight?: Promise<number>;
  private next?: Next;
  private side?: RedisClient;
  /** WAITs sent for this client (the tests' and the bench's count). */
  sent = 0;

  /** `slotKey`: a key of the namespace whose writes are confirmed (its slot's primary is asked, on a cluster). */
  constructor(
    private readonly redis: RedisClient,
    private readonly slotKey: string,
  ) {}

  /** The side connection, opened on first use and closed with the client. */
  private sideConnection(): RedisClient {
    if (!this.side) {
      // Named after its client (`<name>:replica-ack`), so CLIENT LIST tells it apart.
      const base = isCluster(this.redis)
        ? this.redis.options.redisOptions?.connectionName
        : this.redis.options.connectionName;
      const name = [base, "replica-ack"].filter(Boolean).join(":");
      // A WAIT cut off by a drop is not sent again on the next connection (see send()).
      const side = duplicateClient(this.redis, { connectionName: name, autoResendUnfulfilledCommands: false });
      side.on("error", () => {}); // reconnects on its own; a dropped WAIT counts as unconfirmed
      this.redis.once("end", () => side.disconnect());
      this.side = side;
    }
    return this.side;
  }

  wait(minReplicas: number, timeoutMs: number): Promise<number> {
    if (!this.inFlight) return this.send(minReplicas, timeoutMs);
    if (this.next) {
      this.next.minReplicas = Math.max(this.next.minReplicas, minReplicas);
      this.next.timeoutMs = Math.max(this.next.timeoutMs, timeoutMs);
      return this.next.promise;
    }
    const next: Next = { promise: Promise.resolve(0), minReplicas, timeoutMs };
    next.promise = this.inFlight
      .catch(() => 0)
      .then(() => {
        if (this.next === next) this.next = undefined;
        return this.send(next.minReplicas, next.timeoutMs);
      });
    this.next = next;
    return next.promise;
  }

  private send(minReplicas: number, timeoutMs: number): Promise<number> {
    this.sent++;
    const side = this.sideConnection();
    const waitOn = (node: RedisClient) => {
      // Sent back to back on one connection: the WAIT waits for the PUBLISH's offset.
      void node.publish(ACK_CHANNEL, "").catch(() => undefined);
      return node.wait(minReplicas, timeoutMs);
    };
    const wait = isCluster(side) ? nodeFor(side, this.slotKey).then(waitOn) : waitOn(side);
    const p = new Promise<number>((resolve, reject) => {
      // A WAIT only answers for writes made on its own connection. Once that connection drops
      // (or fails to connect) the PUBLISH may be lost with it, and a WAIT sent again on the next
      // connection answers for that one's writes: a false "confirmed", or a second full timeout.
      // So a drop answers "0 confirmed" at once, and a WAIT held past its bound (queued while the
      // side connection reconnects, or a cluster still looking for the slot's primary) answers the
      // same: the callers never wait much past the timeout.
      const unconfirmed = () => settle(() => resolve(0));
      const timer = setTimeout(unconfirmed, ackSettleMs(timeoutMs));
      side.once("close", unconfirmed);
      let done = false;
      function settle(f: () => void) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        side.off("close", unconfirmed);
        f();
      }
      wait.then(
        (n) => settle(() => resolve(n)),
        (e: unknown) => settle(() => reject(e)),
      );
    }).finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }
}

/**
 * The most a confirmation may take for a WAIT of `timeoutMs`: the WAIT itself plus as much again
 * (at least 1 s) for a side connection that is still connecting. Past it the writes count as
 * unconfirmed; with the default 1,000 ms that is 2 s, under the web client's 3 s command timeout.
 */
export function ackSettleMs(timeoutMs: number): number {
  return timeoutMs + Math.max(timeoutMs, 1000);
}

/** Per client, one batcher per namespace slot (a cluster client may serve namespaces on several primaries). */
const batchers = new WeakMap<RedisClient, Map<string, AckBatcher>>();

function batcherOf(redis: RedisClient, namespace: string): AckBatcher {
  let byNs = batchers.get(redis);
  if (!byNs) batchers.set(redis, (byNs = new Map()));
  // One server: every namespace shares the one WAIT stream.
  const route = isCluster(redis) ? namespace : "";
  let b = byNs.get(route);
  if (!b) byNs.set(route, (b = new AckBatcher(redis, route + "replica-ack")));
  return b;
}

/**
 * Waits until `opts.minReplicas` replicas have every write this client made so far in
 * `namespace` (the normalised prefix; it only matters on a cluster); with 0, answers at once
 * without a command. Never throws for a shortfall: see `requireReplicas`.
 */
export async function confirmWrites(
  redis: RedisClient,
  opts: DurabilityOptions,
  namespace = "resque:",
): Promise<AckResult> {
  const wanted = opts.minReplicas;
  if (wanted <= 0) return { ok: true, replicas: 0, wanted: 0, timeoutMs: opts.timeoutMs };
  const replicas = await batcherOf(redis, namespace).wait(wanted, opts.timeoutMs);
  return { ok: replicas >= wanted, replicas, wanted, timeoutMs: opts.timeoutMs };
}

/** confirmWrites, throwing NotReplicatedError (naming `what`) when too few replicas confirmed. */
export async function requireReplicas(
  redis: RedisClient,
  opts: DurabilityOptions,
  what: string,
  namespace = "resque:",
): Promise<void> {
  const r = await confirmWrites(redis, opts, namespace);
  if (!r.ok) throw new NotReplicatedError(what, r.replicas, r.wanted, r.timeoutMs);
}

/** WAITs this process sent on `redis` through the durability option. */
export function waitsSent(redis: RedisClient): number {
  let n = 0;
  for (const b of batchers.get(redis)?.values() ?? []) n += b.sent;
  return n;
}

/** What a process does about writes it did but replicas did not confirm (the sentence's tail). */
export const CARRYING_ON = "carrying on: they are done on the primary, and a failover now may lose them";

/** The sentence a worker or scheduler logs for writes it did but replicas did not confirm. */
export function unconfirmedSentence(what: string, r: AckResult, then = CARRYING_ON): string {
  return `${what} not stored on a replica within ${r.timeoutMs} ms (${r.replicas} of ${r.wanted} confirmed); ${then}`;
}

/**
 * Rate-limits those lines for a long-running process: the first shortfall at once, then one line a
 * minute with the count since the last, so a replica that stays down is reported without a line per loop.
 */
export class UnconfirmedLog {
  private missed = 0;
  private lastAt = -Infinity;

  constructor(
    private readonly everyMs = 60_000,
    private readonly then = CARRYING_ON,
  ) {}

  /** Counts `count` unconfirmed writes; returns the line to log now, if one is due. */
  note(what: (count: number) => string, count: number, r: AckResult, nowMs = Date.now()): string | undefined {
    this.missed += count;
    if (nowMs - this.lastAt < this.everyMs) return undefined;
    const line = unconfirmedSentence(what(this.missed), r, this.then);
    this.missed = 0;
    this.lastAt = nowMs;
    return line;
  }
}
