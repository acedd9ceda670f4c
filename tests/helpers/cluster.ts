/**
 * A Redis Cluster for tests and the bench: three primaries with a replica each
 * (`redis-server --cluster-enabled yes`, joined by `redis-cli --cluster create`), on free loopback
 * ports in a temp folder, stopped by the pids we started. `cluster-node-timeout` 1000 and
 * `cluster-replica-validity-factor 0` (a replica may always take over), so a SIGKILLed primary is
 * replaced by its replica within a few seconds; every wait is on a condition the servers report.
 * `spareFor: slot` adds a seventh node as a second replica of that slot's primary: after a kill the
 * promoted replica still has a replica, which REDIS_MIN_REPLICAS_ACK needs to confirm anything
 * (Redis Cluster re-points the spare at the new primary by itself).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { askServer as ask, freePort, launchRedis, loopbackArgs, stopChild } from "./redis-server";
import { waitFor } from "./wait";

export interface RedisCluster {
  /** `REDIS_CLUSTER` for the app's processes (no REDIS_URL). */
  env: Record<string, string>;
  ports: number[];
  /** The port of the primary serving `slot`, as the live nodes agree on it (undefined while they disagree). */
  ownerOf(slot: number): Promise<number | undefined>;
  /** A plain client on one node (not through the cluster), for checks. */
  direct(port: number): Redis;
  /**
   * SIGKILLs the primary serving `slot` and waits until its replica serves the slot and the
   * cluster is ok again; returns the ports and the times (ms epoch) of the kill and the promotion.
   * `onKilled` runs right after the kill (to start something that meets the failover under way).
   */
  killOwnerOf(
    slot: number,
    onKilled?: () => void,
  ): Promise<{ oldPort: number; newPort: number; killedAt: number; promotedAt: number }>;
  /** SIGKILLs the primary serving `slot` and every replica of it: nobody can serve the slot any more. */
  killSlot(slot: number): Promise<void>;
  stop(): Promise<void>;
}

type ClusterOptions = { label?: string; spareFor?: number };

export async function startCluster(opts: ClusterOptions = {}): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tsq-cluster-${opts.label ?? "set"}-`));
  const children = new Map<number, ChildProcess>();
  try {
    return await setUp(opts, dir, children);
  } catch (e) {
    // A cluster that never came up is stopped here: nobody else holds its pids.
    await Promise.all([...children.values()].map((c) => stopChild(c, "SIGKILL")));
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function setUp(opts: ClusterOptions, dir: string, children: Map<number, ChildProcess>): Promise<RedisCluster> {
  const ports: number[] = [];
  // Ports are taken one by one and checked free just before: six (or seven) distinct free ports.
  while (ports.length < (opts.spareFor === undefined ? 6 : 7)) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  await Promise.all(
    ports.map(async (port) => {
      const d = path.join(dir, String(port));
      mkdirSync(d);
      const args = loopbackArgs(port, d, [
        "--appendonly",
        "no",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "1000",
        "--cluster-replica-validity-factor",
        "0",
      ]);
      children.set(port, await launchRedis(args, undefined, "cluster node"));
    }),
  );
  const create = spawn(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...ports.slice(0, 6).map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let createOut = "";
  create.stdout.on("data", (d: Buffer) => (createOut += d.toString()));
  create.stderr.on("data", (d: Buffer) => (createOut += d.toString()));
  const code = await new Promise<number | null>((resolve) => create.once("exit", resolve));
  if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}):\n${createOut}`);

  // The spare counts as a member once it has joined (alone it reports cluster_state:fail).
  const members = ports.slice(0, 6);
  const live = () => members.filter((p) => children.get(p)!.exitCode === null && children.get(p)!.signalCode === null);
  /** Every live node says the cluster is ok, and every primary has a replica linked to it. */
  const healthy = async () => {
    for (const p of live()) {
      if (!/cluster_state:ok/.test(await ask<string>(p, "CLUSTER", "INFO"))) return false;
      const info = await ask<string>(p, "INFO", "replication");
      if (info.includes("role:slave") && !/master_link_status:up/.test(info)) return false;
    }
    const masters = (await ask<string>(live()[0]!, "CLUSTER", "NODES"))
      .split("\n")
      .map((l) => l.split(" ")[2] ?? "")
      .filter((flags) => /\bmaster\b/.test(flags) && !/fail/.test(flags));
    return masters.length === 3;
  };
  await waitFor("the cluster to be ok with a linked replica per primary", healthy, 60_000, 50);

  /** CLUSTER NODES as [id, port, flags, master id] rows, from one live node. */
  const nodes = async () =>
    (await ask<string>(live()[0]!, "CLUSTER", "NODES"))
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [id, addr, flags, master] = l.split(" ");
        return { id: id!, port: Number(addr!.split("@")[0]!.split(":")[1]), flags: flags!, master: master! };
      });
  /** [start, end, [host, port, id], …replicas] per range, from one live node. */
  const ownerOn = async (port: number, slot: number) => {
    const ranges = await ask<[number, number, [string, number, string]][]>(port, "CLUSTER", "SLOTS");
    const r = ranges.find(([a, b]) => slot >= a && slot <= b);
    return r ? Number(r[2][1]) : undefined;
  };
  const ownerOf = async (slot: number) => {
    const seen = await Promise.all(live().map((p) => ownerOn(p, slot).catch(() => undefined)));
    return seen.every((s) => s !== undefined && s === seen[0]) ? seen[0] : undefined;
  };

  if (opts.spareFor !== undefined) {
    const spare = ports[6]!;
    const ownerPort = await ownerOn(ports[0]!, opts.spareFor);
    const owner = (await nodes()).find((n) => n.port === ownerPort)!;
    await ask(spare, "CLUSTER", "MEET", "127.0.0.1", String(ports[0]));
    await waitFor(
      "the spare node to learn the slot's primary",
      async () => (await ask<string>(spare, "CLUSTER", "NODES")).includes(owner.id),
      30_000,
      25,
    );
    await ask(spare, "CLUSTER", "REPLICATE", owner.id);
    members.push(spare);
    await waitFor("the spare replica to be linked", healthy, 60_000, 50);
  }

  return {
    env: {
      REDIS_CLUSTER: ports
        .slice(0, 3)
        .map((p) => `127.0.0.1:${p}`)
        .join(","),
    },
    ports,
    ownerOf,
    direct(port) {
      const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
      r.on("error", () => {});
      return r;
    },
    async killOwnerOf(slot, onKilled) {
      const oldPort = await waitFor("the nodes to agree on the slot's primary", () => ownerOf(slot), 30_000, 25);
      const killedAt = Date.now();
      await stopChild(children.get(oldPort)!, "SIGKILL");
      onKilled?.();
      const newPort = await waitFor(
        "the replica to take over the slot",
        async () => {
          const p = await ownerOf(slot);
          return p !== undefined && p !== oldPort ? p : undefined;
        },
        60_000,
        25,
      );
      const promotedAt = Date.now();
      await waitFor(
        "the cluster to be ok again",
        async () => {
          for (const p of live()) if (!/cluster_state:ok/.test(await ask<string>(p, "CLUSTER", "INFO"))) return false;
          return true;
        },
        60_000,
        25,
      );
      return { oldPort, newPort, killedAt, promotedAt };
    },
    async killSlot(slot) {
      const port = await waitFor("the nodes to agree on the slot's primary", () => ownerOf(slot), 30_000, 25);
      const all = await nodes();
      const id = all.find((n) => n.port === port)!.id;
      const doomed = [port, ...all.filter((n) => n.master === id).map((n) => n.port)];
      await Promise.all(doomed.map((p) => stopChild(children.get(p)!, "SIGKILL")));
    },
    async stop() {
      await Promise.all([...children.values()].map((c) => stopChild(c)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
