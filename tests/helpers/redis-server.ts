/**
 * Starts a private redis-server on a free loopback port for tests and the bench, and stops it
 * by the pid we started (never anything else).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

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

function launch(port: number, dir: string, persist: boolean, extra: string[] = []): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--protected-mode", "no"];
  args.push("--appendonly", persist ? "yes" : "no");
  if (persist) args.push("--appendfsync", "always");
  args.push(...extra);
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}:\n${out}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
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
