/**
 * Notifications for demo users and dashboard admins (the bell). Jobs write them with their
 * Resque job id, which is unique here: a job that runs twice (a retry after its write, a
 * re-run after a killed worker) leaves one notification.
 */
import { isExportDownloadUrl } from "../export/url";
import type { RecipientType } from "./demo-types";
import { DataError } from "./errors";
import type { Db } from "./types";

export interface Recipient {
  type: RecipientType;
  id: number;
}

export interface Notification {
  id: number;
  recipient: Recipient;
  message: string;
  downloadUrl: string | null;
  readAtMs: number | null;
  jobId: string | null;
  createdAtMs: number;
  /** A lib/i18n key and its values, to draw `message` in the reader's language (alerts write them). */
  messageKey: string | null;
  messageVars: Record<string, string | number> | null;
}

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
  page: number;
  perPage: number;
}

export const MAX_MESSAGE_LENGTH = 2000;

function toNotification(r: {
  id: number;
  recipient_type: RecipientType;
  recipient_id: number;
  message: string;
  download_url: string | null;
  read_at: number | null;
  job_id: string | null;
  created_at: number;
  message_key: string | null;
  message_vars: string | null;
}): Notification {
  return {
    id: r.id,
    recipient: { type: r.recipient_type, id: r.recipient_id },
    message: r.message,
    downloadUrl: r.download_url,
    readAtMs: r.read_at,
    jobId: r.job_id,
    createdAtMs: r.created_at,
    messageKey: r.message_key,
    messageVars: r.message_vars ? (JSON.parse(r.message_vars) as Record<string, string | number>) : null,
  };
}

/**
 * Writes one notification; with a `jobId` already used, writes nothing and returns the existing
 * one with `created: false`.
 */
export async function createNotification(
  db: Db,
  input: {
    recipient: Recipient;
    message: string;
    downloadUrl?: string | null;
    jobId?: string | null;
    /** The same message as a lib/i18n key and values, for readers of another language. */
    messageKey?: string | null;
    messageVars?: Record<string, string | number> | null;
    now?: () => number;
  },
): Promise<{ created: boolean; notification: Notification }> {
  // The jobs' schema refuses it first; this is for any other writer (lib/export/url.ts says why).
  if (input.downloadUrl != null && !isExportDownloadUrl(input.downloadUrl)) {
    throw new DataError("invalid_input", "download_url must be a CSV in this site's export folder");
  }
  const row = await db
    .insertInto("notifications")
    .values({
      recipient_type: input.recipient.type,
      recipient_id: input.recipient.id,
      message: input.message.slice(0, MAX_MESSAGE_LENGTH),
      download_url: input.downloadUrl ?? null,
      job_id: input.jobId ?? null,
      message_key: input.messageKey ?? null,
      message_vars: input.messageVars ? JSON.stringify(input.messageVars) : null,
      created_at: (input.now ?? Date.now)(),
    })
    .onConflict((oc) => oc.column("job_id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { created: true, notification: toNotification(row) };
  const existing = await db
    .selectFrom("notifications")
    .selectAll()
    .where("job_id", "=", input.jobId!)
    .executeTakeFirstOrThrow();
  return { created: false, notification: toNotification(existing) };
}

/** Newest first, with the total and the unread count: three indexed queries. */
export async function listNotifications(
  db: Db,
  recipient: Recipient,
  opts: { page?: number; perPage?: number; unreadOnly?: boolean } = {},
): Promise<NotificationPage> {
  const perPage = Math.min(100, Math.max(1, Math.trunc(Number(opts.perPage ?? 20)) || 20));
  const page = Math.max(1, Math.trunc(Number(opts.page ?? 1)) || 1);
  let base = db
    .selectFrom("notifications")
    .where("recipient_type", "=", recipient.type)
    .where("recipient_id", "=", recipient.id);
  if (opts.unreadOnly) base = base.where("read_at", "is", null);
  const [count, rows, unread] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy("id", "desc")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    countUnread(db, recipient),
  ]);
  return { items: rows.map(toNotification), total: Number(count.n), unread, page, perPage };
}

/** The bell's number; served by a partial index on unread rows. */
export async function countUnread(db: Db, recipient: Recipient): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("recipient_type", "=", recipient.type)
    .where("recipient_id", "=", recipient.id)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the recipient's notifications read: the given ids, or all. Returns how many changed. */
export async function markNotificationsRead(
  db: Db,
  recipient: Recipient,
  ids: readonly number[] | "all",
  now: () => number = Date.now,
): Promise<number> {
  if (ids !== "all" && ids.length === 0) return 0;
  let q = db
    .updateTable("notifications")
    .set({ read_at: now() })
    .where("recipient_type", "=", recipient.type)
    .where("recipient_id", "=", recipient.id)
    .where("read_at", "is", null);
  if (ids !== "all") q = q.where("id", "in", ids);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}
