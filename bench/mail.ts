/**
 * `npm run bench` (last): "Send e-mail" to 10,000 demo users with concurrency slots, against BullMQ.
 * See bench/README.md, "Send e-mail with concurrency".
 *
 * A real smtp-server in this process answers each message after 50 ms. The jobs are what the
 * Users page's "Send e-mail" action enqueues (one SendEmailJob {to, subject, body} per user, one
 * enqueueMany); BullMQ gets the same messages with addBulk. Timed from the moment the enqueue
 * call answers until the server has accepted the 10,000th message.
 *   ours    the production worker bundle (`dist/workers/cli.mjs work`, QUEUE_COUNT=1) at
 *           WORKER_CONCURRENCY=20, lib/mail's pooled transport
 *   BullMQ  one Worker at concurrency 20 with the same pooled nodemailer settings (bench/mail/)
 * Peak RSS (VmHWM) of our worker process at 20 slots is compared with the same process at one
 * slot sending BENCH_MAIL_C1 messages (default 200: at 50 ms each, one slot takes 10 s).
 *
 * Targets (issue 12): ours ≤ 1.1 × BullMQ's time and ≤ 40 s; RSS at 20 ≤ 1.2 × RSS at 1.
 * Reported as met / not met, never asserted. Env: BENCH_MAIL_USERS (10000), BENCH_REPS (3).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { SMTPServer } from "smtp-server";
import { Client } from "../lib/resque/index";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";
import { median } from "./lib/common";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const OUT_DIR = path.join(BENCH_DIR, ".out");
const USERS = Math.max(1, Math.floor(Number(process.env.BENCH_MAIL_USERS ?? "10000")));
const C1_MESSAGES = Math.max(1, Math.floor(Number(process.env.BENCH_MAIL_C1 ?? "200")));
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const SLOTS = 20;
const ANSWER_MS = 50;

const log = (s: string) => process.stderr.write(`[bench:mail] ${s}\n`);
const emit = (o: object) => console.log(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The SMTP server: accepts every message after ANSWER_MS; `waitFor(n)` resolves at the n-th. */
async function smtpServer() {
  let accepted = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () =>
        setTimeout(() => {
          accepted++;
          callback();
          if (waiter && accepted >= waiter.n) waiter.resolve();
        }, ANSWER_MS),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    reset: () => (accepted = 0),
    waitFor: (n: number) => new Promise<void>((resolve) => (accepted >= n ? resolve() : (waiter = { n, resolve }))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    to: `user${i + 1}@example.com`,
    subject: "Spring sale",
    body: "Hello! Our spring sale starts today.",
  }));

function hwmMiB(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

function start(cmd: string[], env: Record<string, string>): ChildProcess {
  const env2 = { ...process.env, ...env };
  delete env2.NODE_OPTIONS; // no loader in the measured processes
  const p = spawn(process.execPath, cmd, { cwd: ROOT, env: env2, stdio: ["ignore", "ignore", "inherit"] });
  return p;
}

async function stop(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once("exit", () => r()));
  p.kill(signal);
  await Promise.race([gone, sleep(15_000).then(() => p.kill("SIGKILL"))]);
  await gone;
}

/** Our worker process under its supervisor; resolves with the worker's pid once every slot is registered. */
async function startOurs(redis: Redis, redisUrl: string, smtpUrl: string, ns: string, slots: number) {
  const sup = start([path.join(ROOT, "dist", "workers", "cli.mjs"), "work"], {
    REDIS_URL: redisUrl,
    RESQUE_NAMESPACE: ns,
    QUEUE: "default",
    QUEUE_COUNT: "1",
    WORKER_CONCURRENCY: String(slots),
    SCHEDULER: "0",
    SMTP_URL: smtpUrl,
    INTERVAL: "1",
  });
  for (let i = 0; i < 600; i++) {
    const ids = await redis.smembers(`${ns}:workers`);
    if (ids.length === slots) return { sup, pid: Number(ids[0]!.split(":")[1]) };
    await sleep(50);
  }
  throw new Error("our worker did not register");
}

async function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(BENCH_DIR, "mail", "bullmq-worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: path.join(OUT_DIR, "mail", "bullmq-worker.js"),
    logLevel: "warning",
  });
  let server: RedisServer | undefined;
  const smtp = await smtpServer();
  try {
    server = await startRedisServer();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 3 });
    const times = { ours: [] as number[], bullmq: [] as number[] };
    const hwm20: number[] = [];
    log(`${USERS} messages, SMTP answers after ${ANSWER_MS} ms, ${SLOTS} slots, ${REPS} reps; load ${os.loadavg()[0]}`);
    for (let rep = 1; rep <= REPS; rep++) {
      // ours
      await redis.flushall();
      smtp.reset();
      const ns = "bench-mail";
      const ours = await startOurs(redis, server.url, smtp.url, ns, SLOTS);
      const client = new Client({ redis, namespace: ns });
      await client.enqueueMany(messages(USERS).map((args) => ({ queue: "default", class: "SendEmailJob", args })));
      let t0 = performance.now();
      await smtp.waitFor(USERS);
      times.ours.push((performance.now() - t0) / 1000);
      hwm20.push(hwmMiB(ours.pid));
      const failed = await redis.llen(`${ns}:failed`);
      if (failed) throw new Error(`ours: ${failed} failed jobs`);
      await stop(ours.sup, "SIGQUIT");
      // BullMQ
      await redis.flushall();
      smtp.reset();
      const q = new Queue("mail", { connection: { host: "127.0.0.1", port: server.port }, prefix: "bench-mail" });
      const bw = start([path.join(OUT_DIR, "mail", "bullmq-worker.js"), String(server.port), smtp.url], {
        BENCH_CONCURRENCY: String(SLOTS),
      });
      await sleep(1000); // connected and waiting before the jobs arrive, as ours is
      const jobs = messages(USERS).map((data) => ({ name: "mail", data }));
      for (let i = 0; i < jobs.length; i += 1000) await q.addBulk(jobs.slice(i, i + 1000));
      t0 = performance.now();
      await smtp.waitFor(USERS);
      times.bullmq.push((performance.now() - t0) / 1000);
      await stop(bw, "SIGTERM");
      await q.close();
      log(
        `rep ${rep}: ours ${times.ours.at(-1)!.toFixed(1)} s (VmHWM ${hwm20.at(-1)!.toFixed(0)} MiB), BullMQ ${times.bullmq.at(-1)!.toFixed(1)} s`,
      );
    }
    // One slot, same process, fewer messages (one at a time at 50 ms each).
    await redis.flushall();
    smtp.reset();
    const one = await startOurs(redis, server.url, smtp.url, "bench-mail1", 1);
    await new Client({ redis, namespace: "bench-mail1" }).enqueueMany(
      messages(C1_MESSAGES).map((args) => ({ queue: "default", class: "SendEmailJob", args })),
    );
    await smtp.waitFor(C1_MESSAGES);
    const hwm1 = hwmMiB(one.pid);
    await stop(one.sup, "SIGQUIT");
    redis.disconnect();

    const ours = median(times.ours);
    const bull = median(times.bullmq);
    const rss20 = median(hwm20);
    const r = { time: ours / bull, rss: rss20 / hwm1 };
    emit({ scenario: "mail-10k-c20", system: "ours", value: ours, unit: "s", runs: times.ours });
    emit({ scenario: "mail-10k-c20", system: "bullmq", value: bull, unit: "s", runs: times.bullmq });
    emit({ scenario: "mail-worker-peak-rss", system: "ours-c20", value: rss20, unit: "MiB", runs: hwm20 });
    emit({ scenario: "mail-worker-peak-rss", system: "ours-c1", value: hwm1, unit: "MiB" });
    const met = (ok: boolean) => (ok ? "met" : "**not met**");
    const md = [
      `# Send e-mail with concurrency slots`,
      "",
      `${new Date().toISOString()} · ${os.cpus().length} cores · load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")} · ${USERS} messages, SMTP answers after ${ANSWER_MS} ms · median of ${REPS}`,
      "",
      "| figure | ours | BullMQ | ratio | target | |",
      "| --- | ---: | ---: | ---: | --- | --- |",
      `| time to the ${USERS}th accepted message, one process at concurrency ${SLOTS} | ${ours.toFixed(1)} s | ${bull.toFixed(1)} s | ${r.time.toFixed(2)}× | ≤ 1.1×, ≤ 40 s | ${met(r.time <= 1.1 && ours <= 40)} |`,
      `| peak RSS of our worker process, ${SLOTS} slots vs 1 slot | ${rss20.toFixed(0)} MiB | ${hwm1.toFixed(0)} MiB (1 slot) | ${r.rss.toFixed(2)}× | ≤ 1.2× | ${met(r.rss <= 1.2)} |`,
      "",
    ].join("\n");
    writeFileSync(path.join(OUT_DIR, "mail.md"), md);
    console.log(md);
  } finally {
    await smtp.close();
    if (server) await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
