/**
 * Starts a private redis-server on a free loopback port for tests and the bench, and stops it
 * by the pid we started (never anything else).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Stops and starts the same server on the same port (data kept when persistence is on). */
  restart(): Promise<void>;
  /** Stops the server but keeps its port and folder, for a test that watches what happens while Redis is down. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A loopback redis-server's options: its port and folder, no RDB snapshots, no protected mode;
 * `extra` adds persistence, replication, cluster or sentinel settings.
 */
export function loopbackArgs(port: number, dir: string, extra: string[] = []): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "no",
    "--dir",
    dir,
    "--save",
    "",
    ...extra,
  ];
}

/**
 * Spawns `redis-server args` and resolves once its log says `ready` (a sentinel says something
 * else than a server); `what` names it in the error when it exits or takes 30 s. After that its
 * output is drained unread, so a full pipe never stops it.
 */
export function launchRedis(
  args: string[],
  ready: RegExp = /Ready to accept connections/,
  what = "redis-server",
): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

/**
 * One command to one server of ours (a node, a replica, a sentinel) on a connection of its own
 * that never retries, closed after: a check that must see that server, not a failover client's
 * idea of it. Throws what the server or the connection says.
 */
export async function askServer<T>(port: number, ...cmd: string[]): Promise<T> {
  const r = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.call(cmd[0]!, ...cmd.slice(1))) as T;
  } finally {
    r.disconnect();
  }
}

/** Stops a process we started (TERM unless told), resolving when it has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

function launch(port: number, dir: string, persist: boolean, extra: string[] = []): Promise<ChildProcess> {
  const keep = persist ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  return launchRedis(loopbackArgs(port, dir, [...keep, ...extra]), undefined, `redis-server on ${port}`);
}

/** `args`: more redis-server options, e.g. `["--replicaof", "127.0.0.1", "6380"]` for a replica. */
export async function startRedisServer(opts: { persist?: boolean; args?: string[] } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsq-redis-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      let child = await launch(port, dir, !!opts.persist, opts.args);
      const server: RedisServer = {
        url: `redis://127.0.0.1:${port}`,
        port,
        dir,
        get child() {
          return child;
        },
        async stop() {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
        async restart() {
          await stopChild(child);
          child = await launch(port, dir, !!opts.persist, opts.args);
        },
        async halt() {
          await stopChild(child);
        },
        async resume() {
          child = await launch(port, dir, !!opts.persist, opts.args);
        },
      };
      return server;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}
