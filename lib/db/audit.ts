/**
 * The audit log: one row per change made through the dashboard (who, what, which items, when,
 * result, and on which host). Rows are never updated; the actor is copied in (id and email) so
 * the log still reads after the account is deleted.
 */
import os from "node:os";
import type { AuditLogRow, Db } from "./types";

/** `ok`: done; `partial`: some items were skipped; `error`: it failed; `denied`: not allowed. */
export type AuditResult = "ok" | "partial" | "error" | "denied";

export interface AuditActor {
  id: number | null;
  email: string | null;
}

export interface AuditInput {
  /** Null for the system or the CLI. */
  actor: AuditActor | null;
  /** What was done, dotted lower_snake: `failed.retry`, `queue.clear`, `admin.set_role`. */
  action: string;
  /** What it was done to (a queue name, an account email), when there is one thing. */
  target?: string | null;
  /** The ids or names acted on; stored as JSON. */
  items?: readonly (string | number)[] | null;
  result: AuditResult;
  /** A short human summary or the error message. */
  detail?: string | null;
  ip?: string | null;
  now?: () => number;
}

export interface AuditEntry {
  id: number;
  atMs: number;
  actorId: number | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  items: (string | number)[] | null;
  result: string;
  detail: string | null;
  ip: string | null;
  /** The host whose process wrote the row; null on rows older than migration 004. */
  host: string | null;
}

export interface AuditPage {
  page: number;
  perPage: number;
  total: number;
  items: AuditEntry[];
}

const MAX_PER_PAGE = 200;
const MAX_DETAIL_LENGTH = 4000;

/**
 * What one row may hold, whoever asked. Callers pass what a (possibly forged) request sent, so
 * a row's size is bounded here, not trusted to them: at most 1,000 items of 100 characters
 * (~100 KB). A denied row is written for someone who may not act at all (anonymous, a viewer):
 * it keeps no items and a short target, so a refused call costs a few hundred bytes whatever
 * its body was (a 900 KB refused call once stored a 902,701-byte row).
 */
export const AUDIT_LIMITS = {
  maxItems: 1000,
  maxItemLength: 100,
  maxTextLength: MAX_DETAIL_LENGTH,
  deniedTextLength: 100,
  /**
   * Denied rows per address per window; past it a denied call writes nothing.
   * `AUDIT_DENIED_PER_MINUTE` changes it (a test that replays every action needs every row).
   */
  deniedPerWindow: positiveIntFromEnv("AUDIT_DENIED_PER_MINUTE", 30),
  deniedWindowMs: 60_000,
} as const;

function positiveIntFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Writes one row, or — for a `denied` row from an address that already has `deniedPerWindow`
 * denied rows in the last `deniedWindowMs` — nothing (null): a refusal loop cannot fill the
 * disk. That count is the only place the limit lives; it reads the `at` index over the last
 * window only, so it costs as many rows as the limit allows. Calls without an address share one
 * bucket (a server that cannot see addresses still stops the loop).
 */
export async function recordAudit(db: Db, input: AuditInput): Promise<AuditEntry | null> {
  const at = (input.now ?? Date.now)();
  const denied = input.result === "denied";
  const ip = input.ip == null ? null : String(input.ip).slice(0, AUDIT_LIMITS.deniedTextLength);
  if (denied && (await deniedSince(db, ip, at - AUDIT_LIMITS.deniedWindowMs)) >= AUDIT_LIMITS.deniedPerWindow) {
    return null;
  }
  const textMax = denied ? AUDIT_LIMITS.deniedTextLength : AUDIT_LIMITS.maxTextLength;
  const row = await db
    .insertInto("audit_log")
    .values({
      at,
      actor_id: input.actor?.id ?? null,
      actor_email: input.actor?.email ?? null,
      action: String(input.action).slice(0, AUDIT_LIMITS.deniedTextLength),
      // Coerced: callers pass what a (possibly forged) request sent, and SQLite binds only scalars.
      target: input.target == null ? null : textOf(input.target).slice(0, textMax),
      items: !denied && input.items ? JSON.stringify(cappedItems(input.items)) : null,
      result: input.result,
      detail: input.detail == null ? null : String(input.detail).slice(0, textMax),
      ip,
      // The acting process's own host, never the request's: behind a load balancer it tells
      // which web host did it (a Host header is the balancer's name, and the client's to forge).
      host: os.hostname().slice(0, AUDIT_LIMITS.deniedTextLength),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEntry(row);
}

/** The first `maxItems` items, each a number or a string of at most `maxItemLength` characters. */
function cappedItems(items: readonly unknown[]): (string | number)[] {
  return items
    .slice(0, AUDIT_LIMITS.maxItems)
    .map((v) => (typeof v === "number" && Number.isFinite(v) ? v : textOf(v).slice(0, AUDIT_LIMITS.maxItemLength)));
}

async function deniedSince(db: Db, ip: string | null, since: number): Promise<number> {
  const row = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("at", ">", since)
    .where("result", "=", "denied")
    .where((eb) => (ip === null ? eb("ip", "is", null) : eb("ip", "=", ip)))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Newest first, with the total for the pager. `actor` matches the email case-insensitively;
 * `host` matches exactly. Costs two indexed queries (count + page) whatever the log's size,
 * except deep OFFSETs.
 */
export async function listAudit(
  db: Db,
  opts: { page?: number; perPage?: number; action?: string; actor?: string; host?: string } = {},
): Promise<AuditPage> {
  const perPage = clampInt(opts.perPage ?? 50, 1, MAX_PER_PAGE);
  const page = clampInt(opts.page ?? 1, 1, Number.MAX_SAFE_INTEGER);
  let base = db.selectFrom("audit_log");
  if (opts.action) base = base.where("action", "=", opts.action);
  if (opts.actor) base = base.where("actor_email", "=", opts.actor.trim());
  if (opts.host) base = base.where("host", "=", opts.host.trim());

  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
  ]);
  return { page, perPage, total: Number(count.n), items: rows.map(toEntry) };
}

/** The distinct actions in the log, for a filter menu. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("action").distinct().orderBy("action").execute();
  return rows.map((r) => r.action);
}

/** The distinct hosts in the log (rows without one left out), for a filter menu; reads the host index only. */
export async function listAuditHosts(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_log")
    .select("host")
    .distinct()
    .where("host", "is not", null)
    .orderBy("host")
    .execute();
  return rows.map((r) => r.host!);
}

function toEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    atMs: row.at,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    target: row.target,
    items: parseItems(row.items),
    result: row.result,
    detail: row.detail,
    ip: row.ip,
    host: row.host,
  };
}

function parseItems(text: string | null): (string | number)[] | null {
  if (text == null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as (string | number)[]) : [String(v)];
  } catch {
    return [text];
  }
}

function textOf(v: unknown): string {
  return typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
}

function clampInt(n: number, min: number, max: number): number {
  const i = Math.trunc(Number(n));
  if (!Number.isFinite(i)) return min;
  return Math.min(max, Math.max(min, i));
}
