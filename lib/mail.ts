/**
 * Outgoing mail for jobs. With `SMTP_URL` set, messages go through nodemailer's SMTP transport
 * (an SMTP refusal rejects with the server's reply, so the job fails with it). Without it,
 * each message is rendered to a .eml file in the outbox folder, which the admin can read.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";

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

type Transport = ReturnType<typeof nodemailer.createTransport>;
let cached: { url: string; transport: Transport } | undefined;

function smtpTransport(url: string): Transport {
  if (cached?.url !== url) {
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
      }),
    };
  }
  return cached.transport;
}

/** Sends (or saves to the outbox) one message. */
export async function sendMail(msg: MailMessage): Promise<MailResult> {
  const mail = { from: msg.from ?? defaultFrom(), to: msg.to, subject: msg.subject, text: msg.text, html: msg.html };
  const url = process.env.SMTP_URL;
  if (url) {
    const info = await smtpTransport(url).sendMail(mail);
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
