/**
 * The outbox as the dashboard reads it: the .eml files lib/mail.ts saves when `SMTP_URL` is unset,
 * listed a page at a time and parsed (headers unfolded and decoded, single-part bodies decoded).
 */
import { open, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { outboxDir } from "./mail";

/** Outbox names as lib/mail.ts writes them; anything else in the folder (a .tmp) is not listed or opened. */
const EML = /^\d{8}T\d{6}_[0-9a-f]{8}\.eml$/;

export interface OutboxEntry {
  file: string;
  to: string;
  subject: string;
  date: string;
}

/** RFC 2047 words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header, as nodemailer writes non-ASCII subjects. */
function decodeWords(v: string): string {
  // Whitespace between two encoded words is folding, not text (RFC 2047 §6.2).
  return v
    .replace(/(\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset: string, enc: string, text: string) => {
      const bytes = enc.toUpperCase() === "B" ? Buffer.from(text, "base64") : qp(text.replace(/_/g, " "));
      try {
        return new TextDecoder(charset, { fatal: false }).decode(bytes);
      } catch {
        return bytes.toString("utf8"); // a charset TextDecoder does not know
      }
    });
}

function qp(s: string): Buffer {
  const soft = s.replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      out.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(soft[i]!, "utf8"));
  }
  return Buffer.from(out);
}

/** Headers (unfolded, decoded) and the body of a single-part message as text; multipart bodies stay raw. */
export function parseEml(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? "" : raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const cte = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  const multipart = /^multipart\//i.test(headers["content-type"] ?? "");
  const body = multipart
    ? rest
    : cte === "base64"
      ? Buffer.from(rest, "base64").toString("utf8")
      : cte === "quoted-printable"
        ? qp(rest).toString("utf8")
        : rest;
  return { headers, body };
}

async function readHead(file: string): Promise<string> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

/** One page of saved messages, newest first; only the page's files are opened (their first 8 KiB). */
export async function listOutbox(page: number, perPage: number): Promise<{ items: OutboxEntry[]; total: number }> {
  let names: string[];
  try {
    names = (await readdir(outboxDir())).filter((n) => EML.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { items: [], total: 0 };
    throw e;
  }
  names.sort().reverse();
  const items = await Promise.all(
    names.slice((page - 1) * perPage, page * perPage).map(async (file) => {
      const { headers } = parseEml(await readHead(path.join(outboxDir(), file)));
      return { file, to: headers.to ?? "", subject: headers.subject ?? "", date: headers.date ?? "" };
    }),
  );
  return { items, total: names.length };
}

/** One saved message by its name, or null for a name that is not an outbox file (no path can escape the folder). */
export async function readOutboxMessage(
  file: string,
): Promise<{ headers: Record<string, string>; body: string } | null> {
  if (!EML.test(file)) return null;
  try {
    return parseEml(await readFile(path.join(outboxDir(), file), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
