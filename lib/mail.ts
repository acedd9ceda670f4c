/**
 * Outgoing mail for jobs. With `SMTP_URL` set, messages go through one pooled nodemailer SMTP
 * transport per process: connections are reused, at most one per worker slot
 * (`WORKER_CONCURRENCY`), so 10,000 e-mails do not open 10,000 connections. An SMTP refusal
 * rejects with the server's reply, so the job fails with it; a dropped connection fails only the
 * messages it carried (their jobs retry as any failure does), and the pool opens a new one. Without it,
 * each message is rendered to a .eml file in the outbox folder, which the admin can read.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as NodemailerModule from "nodemailer";

export interface MailMessage {
  to: string | string[];
  subject: string;
  text?: string;
  html?: string;
  from?: string;
}

export interface MailResult {
  messageId: string;
  /** Set when the message was saved to the outbox instead of sent. */
  outboxFile?: string;
  /** SMTP server's final reply when sent. */
  response?: string;
}

/** Outbox folder: `OUTBOX_DIR`, else `data/outbox` under the project root. */
export function outboxDir(): string {
  return process.env.OUTBOX_DIR || path.join(process.cwd(), "data", "outbox");
}

const defaultFrom = () => process.env.MAIL_FROM || "Resque Admin <no-reply@localhost>";

type Nodemailer = typeof NodemailerModule;
type Transport = ReturnType<Nodemailer["createTransport"]>;
/**
 * nodemailer (61 modules) loads with the first message, not with the jobs: every worker process
 * imports this file, and most of them never send a mail.
 */
let nodemailerModule: Promise<Nodemailer> | undefined;
const loadNodemailer = () => (nodemailerModule ??= import("nodemailer"));
let cached: { url: string; transport: Transport } | undefined;

/** One SMTP connection per job this process runs at once: more could never all be busy. */
export function poolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.WORKER_CONCURRENCY);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 100) : 1;
}

function smtpTransport(nodemailer: Nodemailer, url: string): Transport {
  if (cached?.url !== url) {
    cached?.transport.close(); // SMTP_URL changed (tests): the old pool's connections go
    const u = new URL(url);
    const secure = u.protocol === "smtps:";
    cached = {
      url,
      transport: nodemailer.createTransport({
        host: u.hostname,
        port: u.port ? Number(u.port) : secure ? 465 : 587,
        secure,
        // STARTTLS is used whenever the server offers it; `?starttls=required` refuses to send without it.
        requireTLS: u.searchParams.get("starttls") === "required",
        auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
        pool: true,
        maxConnections: poolSize(),
        // A connection is replaced after this many messages (nodemailer's default is 100): fewer
        // handshakes when thousands go out, and still no connection lives forever.
        maxMessages: 1000,
        // Idle connections close after 2 s (nodemailer keeps them 4 min): a burst reuses them, and
        // a quiet worker holds no socket a server restart or shutdown must wait for.
        idleTimeout: 2000,
      }),
    };
  }
  return cached.transport;
}

/** Closes the pooled SMTP connections (an SMTP server waits for open clients when it shuts down). */
export function closeMailTransport(): void {
  cached?.transport.close();
  cached = undefined;
}

/** Sends (or saves to the outbox) one message. */
export async function sendMail(msg: MailMessage): Promise<MailResult> {
  const mail = { from: msg.from ?? defaultFrom(), to: msg.to, subject: msg.subject, text: msg.text, html: msg.html };
  const url = process.env.SMTP_URL;
  const nodemailer = await loadNodemailer();
  if (url) {
    const info = await smtpTransport(nodemailer, url).sendMail(mail);
    return { messageId: info.messageId, response: info.response };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await stream.sendMail(mail);
  const dir = outboxDir();
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const file = path.join(dir, `${stamp}_${randomBytes(4).toString("hex")}.eml`);
  // Write then rename, so a reader of the outbox never sees half a message.
  await writeFile(file + ".tmp", info.message as Buffer);
  await rename(file + ".tmp", file);
  return { messageId: info.messageId, outboxFile: file };
}
