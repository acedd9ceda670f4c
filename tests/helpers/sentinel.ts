/**
 * A Sentinel-managed Redis for tests and the bench: a primary, a replica and three sentinels
 * (`redis-server <conf> --sentinel`), each on a free loopback port in a temp folder, stopped by the
 * pid we started. `down-after-milliseconds` 1000 (by default) and a short failover timeout, so a SIGKILLed
 * primary is replaced within a few seconds; every wait is on a condition the servers report.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { askServer as ask, freePort, launchRedis, loopbackArgs, stopChild } from "./redis-server";
import { waitFor } from "./wait";

export const SENTINEL_MASTER = "mymaster";

interface Proc {
  port: number;
  child: ChildProcess;
  args: string[];
}

export interface SentinelSet {
  /** `REDIS_SENTINELS`, `REDIS_SENTINEL_NAME` for the app's processes (no REDIS_URL). */
  env: Record<string, string>;
  sentinelPorts: number[];
  /** The data servers' ports (the first started as primary). */
  serverPorts: number[];
  /** The primary the sentinels name now. */
  primaryPort(): Promise<number>;
  /** A plain client on one data server (not through Sentinel), for checks. */
  direct(port: number): Redis;
  /**
   * SIGKILLs the current primary and waits until the sentinels name another; returns its port and
   * the times (ms epoch) of the kill and of the promotion as the sentinels first reported it.
   * `onKilled` runs right after the kill (to start something that meets the failover under way).
   */
  killPrimary(
    onKilled?: () => void,
  ): Promise<{ oldPort: number; newPort: number; killedAt: number; promotedAt: number }>;
  /**
   * Cuts the replica's link to the primary and keeps it cut, as a network partition would: the
   * primary goes on acknowledging writes the replica never gets, so a failover now loses them. A
   * SIGSTOPped replica would not do: what the primary sent waits in the loopback socket's buffers
   * and is applied on SIGCONT. Here the replica's `masterauth` is set to a password the primary
   * does not have and its link is closed: every reconnect fails at AUTH. It still answers the
   * sentinels, so it stays promotable (its link is down for far less than ten times
   * `down-after-milliseconds`, Sentinel's limit). Resolves once the primary has no replica.
   */
  cutReplication(replicaPort: number): Promise<void>;
  /** Undoes cutReplication's `masterauth`, so the server can be a replica again later. */
  healReplication(port: number): Promise<void>;
  /** SIGKILLs one data server (e.g. the last replica, so no promotion can follow). */
  killServer(port: number): Promise<void>;
  /** Starts a killed server again on its port and waits until it is a synced replica of the new primary. */
  restartAsReplica(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `downAfterMs`: the sentinels' `down-after-milliseconds` (1000, as the bench's figures were
 * measured). The e2e test takes more: see tests/e2e/sentinel.test.ts.
 */
export async function startSentinelSet(opts: { label?: string; downAfterMs?: number } = {}): Promise<SentinelSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tsq-sentinel-${opts.label ?? "set"}-`));
  const servers = new Map<number, Proc>();
  const sentinels: Proc[] = [];
  const serverArgs = (port: number) => {
    const d = path.join(dir, `redis-${port}`);
    mkdirSync(d, { recursive: true }); // a folder per server: each keeps its own append-only file
    // Persisted, so a killed primary that comes back holds its own copy: the test checks that
    // none of it is applied twice once it rejoins as a replica.
    return loopbackArgs(port, d, ["--appendonly", "yes", "--appendfsync", "everysec"]);
  };
  const [p1, p2] = [await freePort(), await freePort()];
  servers.set(p1, {
    port: p1,
    args: serverArgs(p1),
    child: await launchRedis(serverArgs(p1), /Ready to accept/, "primary"),
  });
  const a2 = serverArgs(p2);
  servers.set(p2, {
    port: p2,
    args: a2,
    child: await launchRedis([...a2, "--replicaof", "127.0.0.1", String(p1)], /Ready to accept/, "replica"),
  });
  /** The last lines each sentinel logged (+sdown, +tilt, +convert-to-slave…), for a timeout's error. */
  const tails = new Map<string, string>();
  const keepTail = (child: ChildProcess, name: string) =>
    child.stdout!.on("data", (d: Buffer) => tails.set(name, ((tails.get(name) ?? "") + d.toString()).slice(-3000)));
  const sentinelPorts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        "protected-mode no",
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${p1} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${opts.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 3000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        "",
      ].join("\n"),
    );
    const args = [conf, "--sentinel"];
    const child = await launchRedis(args, /Sentinel ID is|monitor master/, "sentinel");
    sentinels.push({ port, args, child });
    keepTail(child, `sentinel ${port}`);
    // TILT for 5 s, not 30 (SENTINEL DEBUG, Redis 7), for a loaded 2-core test machine: a timer
    // late by 2 s puts a sentinel in TILT, where it acts on nothing, and with INFO to a replica
    // every 10 s and 8 s more before +convert-to-slave, one 30 s TILT would bring a rejoin near its
    // 60 s wait. TILT still starts as it would (after a stall a sentinel's view is stale). INFO
    // stays at every 10 s: every second, the sentinels agreed on a new primary in ~1.6 s instead
    // of ~2.3 s, too short for the idle test's dashboard to be seen saying "switching" under load.
    await ask(port, "SENTINEL", "DEBUG", "tilt-period", "5000");
    sentinelPorts.push(port);
  }

  /** The primary's port as a majority of sentinels name it, or undefined while they disagree. */
  const namedPort = async (): Promise<number | undefined> => {
    const named = await Promise.all(
      sentinelPorts.map((p) =>
        ask<string[] | null>(p, "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER).catch(() => null),
      ),
    );
    const ports = named.filter(Boolean).map((a) => Number(a![1]));
    const first = ports[0];
    return first !== undefined && ports.filter((p) => p === first).length >= 2 ? first : undefined;
  };
  /** Ready for a failover: every sentinel knows the other two and a live replica of the primary. */
  const settled = async (primary: number) => {
    for (const s of sentinelPorts) {
      const others = await ask<unknown[]>(s, "SENTINEL", "sentinels", SENTINEL_MASTER);
      const replicas = await ask<string[][]>(s, "SENTINEL", "replicas", SENTINEL_MASTER);
      const live = replicas.filter((r) => {
        const flags = r[r.indexOf("flags") + 1] ?? "";
        const link = r[r.indexOf("master-link-status") + 1];
        return !/s_down|disconnected/.test(flags) && link === "ok";
      });
      if (others.length < 2 || live.length < 1) return false;
      if ((await namedPort()) !== primary) return false;
    }
    return true;
  };
  await waitFor("sentinels to see each other and the replica", () => settled(p1), 60_000);

  /** What a data server and the sentinels say of it, appended to a timed-out wait's error. */
  const explain = async (port: number, e: unknown): Promise<never> => {
    const say = (p: Promise<unknown>) =>
      p.then(
        (v) => JSON.stringify(v),
        (err: unknown) => String(err),
      );
    const lines = [
      String(e),
      `INFO replication of ${port}: ${await say(ask(port, "INFO", "replication"))}`,
      ...(await Promise.all(
        sentinelPorts.map(
          async (s) => `sentinel ${s} replicas: ${await say(ask(s, "SENTINEL", "replicas", SENTINEL_MASTER))}`,
        ),
      )),
      ...[...tails].map(([name, tail]) => `${name} logged:\n${tail}`),
    ];
    throw new Error(lines.join("\n"));
  };

  return {
    env: {
      REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(","),
      REDIS_SENTINEL_NAME: SENTINEL_MASTER,
    },
    sentinelPorts,
    serverPorts: [p1, p2],
    primaryPort: () => waitFor("sentinels to agree on a primary", namedPort),
    direct(port) {
      const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
      r.on("error", () => {});
      return r;
    },
    async killPrimary(onKilled) {
      const oldPort = await waitFor("sentinels to agree on a primary", namedPort);
      const killedAt = Date.now();
      await stopChild(servers.get(oldPort)!.child, "SIGKILL");
      onKilled?.();
      const newPort = await waitFor(
        "the sentinels to promote the replica",
        async () => {
          const p = await namedPort();
          return p !== undefined && p !== oldPort ? p : undefined;
        },
        60_000,
      );
      const promotedAt = Date.now();
      return { oldPort, newPort, killedAt, promotedAt };
    },
    async cutReplication(replicaPort) {
      const primary = await waitFor("sentinels to agree on a primary", namedPort);
      await ask(replicaPort, "CONFIG", "SET", "masterauth", "cut-off-by-the-test");
      await ask(replicaPort, "CLIENT", "KILL", "TYPE", "master");
      await waitFor("the primary to have no replica", async () =>
        /connected_slaves:0\b/.test(await ask<string>(primary, "INFO", "replication")),
      );
    },
    async healReplication(port) {
      await ask(port, "CONFIG", "SET", "masterauth", ""); // empty: no masterauth at all
    },
    killServer: (port) => stopChild(servers.get(port)!.child, "SIGKILL"),
    async restartAsReplica(port) {
      const s = servers.get(port)!;
      // Its own data folder and append-only file as it left them: it comes back holding them.
      s.child = await launchRedis(s.args, /Ready to accept/, "old primary");
      const primary = await waitFor("sentinels to agree on a primary", namedPort);
      // The sentinels turn it into a replica of the new primary (+convert-to-slave) on their own.
      await waitFor(
        "the old primary to rejoin as a synced replica",
        async () => {
          const info = await ask<string>(port, "INFO", "replication");
          return (
            info.includes("role:slave") && info.includes(`master_port:${primary}`) && /master_link_status:up/.test(info)
          );
        },
        60_000,
      ).catch((e: unknown) => explain(port, e));
      await waitFor("sentinels to see the rejoined replica", () => settled(primary), 60_000).catch((e: unknown) =>
        explain(port, e),
      );
    },
    async stop() {
      await Promise.all([...sentinels, ...servers.values()].map((p) => stopChild(p.child)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
