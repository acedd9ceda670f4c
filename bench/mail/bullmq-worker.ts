/**
 * Child entry point of bench/mail.ts: a BullMQ Worker at concurrency `BENCH_CONCURRENCY` that sends
 * each job's message through one pooled nodemailer transport configured as lib/mail.ts's (pool,
 * maxConnections = the concurrency, 1,000 messages per connection), so both sides send alike.
 * argv: <redis port> <smtp url>
 */
import { Worker } from "bullmq";
import nodemailer from "nodemailer";

const [port, smtpUrl] = [Number(process.argv[2]), process.argv[3]!];
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? "20");
const u = new URL(smtpUrl);
const transport = nodemailer.createTransport({
  host: u.hostname,
  port: Number(u.port),
  secure: false,
  pool: true,
  maxConnections: concurrency,
  maxMessages: 1000,
  idleTimeout: 2000,
});
const worker = new Worker<{ to: string; subject: string; body: string }>(
  "mail",
  async (job) => {
    await transport.sendMail({
      from: "Resque Admin <no-reply@localhost>",
      to: job.data.to,
      subject: job.data.subject,
      text: job.data.body,
    });
  },
  { connection: { host: "127.0.0.1", port }, prefix: "bench-mail", concurrency, removeOnComplete: { count: 0 } },
);
worker.on("error", (e) => console.error("[bullmq mail worker]", e));
process.on("SIGTERM", () => {
  void worker.close().finally(() => process.exit(0));
});
