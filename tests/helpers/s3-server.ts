/**
 * A real S3-compatible server (s3rver, ./s3rver-main.mjs) in a process of its own, on a free
 * loopback port with a temp folder, stopped by its pid; clients reach it through a small
 * forwarding proxy in the test process, which sees every multipart part go by and can hold parts
 * back: a test stops an upload half-way on that condition, not on a sleep.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";

const MAIN = path.join(import.meta.dirname, "s3rver-main.mjs");

export interface S3Server {
  /** The proxy's `http://127.0.0.1:<port>`: what S3_ENDPOINT names. */
  endpoint: string;
  /** Pid of the s3rver process. */
  pid: number;
  /** S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE and s3rver's credentials, plus EXPORT_STORAGE when `url` is given. */
  env(url?: string): Record<string, string>;
  /** A client of the test's own. */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  buckets(): Promise<string[]>;
  /** Keys under `prefix`, every page. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<Buffer>;
  /** Requests that reached the proxy since start. */
  requests(): number;
  /** Parts (UploadPart requests) the server has answered 200 since start. */
  partsStored(): number;
  /** Parts received and held back right now (their clients still waiting). */
  partsHeld(): number;
  /** Holds back every part numbered `from` or more (Infinity: none) until release(). */
  holdPartsFrom(from: number): void;
  /** Stops holding; held parts whose clients are still connected go through. */
  release(): void;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
  // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
  const child: ChildProcess = spawn(process.execPath, ["--openssl-legacy-provider", MAIN, dir], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening:\n${out}`)));
  });

  let holdFrom = Infinity;
  let stored = 0;
  const held = new Set<() => void>();
  let requests = 0;
  const proxy = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://s3");
    const part =
      req.method === "PUT" && url.searchParams.has("uploadId") ? Number(url.searchParams.get("partNumber")) : 0;
    const forward = () => {
      const upstream = http.request(
        { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          if (part && up.statusCode === 200) stored++;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    if (part >= holdFrom) {
      // Held: the client waits for an answer that comes only after release().
      const go = () => {
        held.delete(go);
        if (!req.socket.destroyed) forward();
      };
      held.add(go);
      req.socket.once("close", () => held.delete(go));
      return;
    }
    forward();
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const creds = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  // As lib/export/storage-s3.ts does: the SDK's Node 22 notice is about its future releases.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: creds });

  return {
    endpoint,
    pid: child.pid!,
    client,
    env: (url) => ({
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      ...(url ? { EXPORT_STORAGE: url } : {}),
    }),
    createBucket: async (name) => void (await client.send(new CreateBucketCommand({ Bucket: name }))),
    buckets: async () => ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!),
    async keys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async get(bucket, key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    requests: () => requests,
    partsStored: () => stored,
    partsHeld: () => held.size,
    holdPartsFrom(from) {
      holdFrom = from;
    },
    release() {
      holdFrom = Infinity;
      for (const go of [...held]) go();
    },
    async stop() {
      client.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(child.pid!, "SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
