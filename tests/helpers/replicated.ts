/**
 * A primary and one replica (`--replicaof`) on free loopback ports, for the durability option's
 * tests and bench (REDIS_MIN_REPLICAS_ACK). Both are stopped by the pids we started.
 */
import { Redis } from "ioredis";
import { startRedisServer, type RedisServer } from "./redis-server";

export interface Replicated {
  primary: RedisServer;
  replica: RedisServer;
  /** SIGSTOP / SIGCONT the replica: it stays connected but confirms nothing while frozen. */
  freezeReplica(): void;
  thawReplica(): void;
  stop(): Promise<void>;
}

/** Resolves once the replica's link to the primary is up and it has the primary's data. */
async function linkUp(replicaUrl: string, timeoutMs = 30_000): Promise<void> {
  const r = new Redis(replicaUrl, { maxRetriesPerRequest: 3 });
  try {
    const deadline = Date.now() + timeoutMs;
    while (!/master_link_status:up/.test(await r.info("replication"))) {
      if (Date.now() > deadline) throw new Error(`replica ${replicaUrl} did not link to its primary`);
      await new Promise((res) => setTimeout(res, 20));
    }
  } finally {
    r.disconnect();
  }
}

export async function startReplicated(): Promise<Replicated> {
  const primary = await startRedisServer();
  const replica = await startRedisServer({ args: ["--replicaof", "127.0.0.1", String(primary.port)] });
  await linkUp(replica.url);
  const signal = (sig: NodeJS.Signals) => {
    const pid = replica.child.pid;
    if (pid && replica.child.exitCode === null) process.kill(pid, sig);
  };
  return {
    primary,
    replica,
    freezeReplica: () => signal("SIGSTOP"),
    thawReplica: () => signal("SIGCONT"),
    async stop() {
      signal("SIGCONT"); // a stopped process would hold the SIGTERM
      await replica.stop();
      await primary.stop();
    },
  };
}

/** WAIT calls the server has answered since it started (INFO commandstats' cmdstat_wait). */
export async function waitCalls(redis: Redis): Promise<number> {
  const m = /cmdstat_wait:calls=(\d+)/.exec(await redis.info("commandstats"));
  return m ? Number(m[1]) : 0;
}
