/**
 * Alert rules (issue 15 item 4; docs/monitoring.md#alerts): what admins set on the Alerts page,
 * and the state the evaluator (lib/alerts) moves between `ok` and `firing`.
 *
 * Exactly once per transition: `transitionAlertRule` is one transaction that changes the row only
 * if it still has the state and `state_seq` the evaluator read, and writes every admin's bell
 * notification with it. Every process evaluates against this one database, so when several do at
 * once (two schedulers, two web servers), one UPDATE changes the row and the others change
 * nothing and send nothing: the notifications and the e-mail belong to the winner alone.
 */
import { createNotification } from "./notifications";
import { DataError } from "./errors";
import type { AlertKind, AlertRulesTable, AlertState, Db } from "./types";

export type { AlertKind, AlertState } from "./types";
import type { Selectable } from "kysely";

/** The longest failures window, minutes: the failure samples are kept this long (lib/alerts/evaluate.ts). */
export const MAX_ALERT_WINDOW_MIN = 1_440;

export const ALERT_KINDS: readonly AlertKind[] = ["failures", "queue_age", "queue_no_worker", "scheduler_no_leader"];

export function isAlertKind(v: unknown): v is AlertKind {
  return typeof v === "string" && (ALERT_KINDS as readonly string[]).includes(v);
}

export interface AlertRule {
  id: number;
  name: string;
  kind: AlertKind;
  /** "" = every queue (queue kinds only). */
  queue: string;
  /** failures: more than this many in the window fires; queue_age: seconds. */
  threshold: number;
  /** failures: the window, minutes. */
  windowMin: number;
  enabled: boolean;
  state: AlertState;
  stateSeq: number;
  stateChangedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** What an admin sets; the fields a kind does not use are stored as "" / 0. */
export interface AlertRuleInput {
  name: string;
  kind: AlertKind;
  queue: string;
  threshold: number;
  windowMin: number;
}

function toRule(r: Selectable<AlertRulesTable>): AlertRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    queue: r.queue,
    threshold: r.threshold,
    windowMin: r.window_min,
    enabled: r.enabled === 1,
    state: r.state,
    stateSeq: r.state_seq,
    stateChangedAtMs: r.state_changed_at,
    createdAtMs: r.created_at,
    updatedAtMs: r.updated_at,
  };
}

/** Only the columns a kind reads, so an edit that changes the kind leaves no stale number behind. */
function columnsOf(input: AlertRuleInput) {
  const queueKind = input.kind === "queue_age" || input.kind === "queue_no_worker";
  return {
    name: input.name,
    kind: input.kind,
    queue: queueKind ? input.queue : "",
    threshold: input.kind === "failures" || input.kind === "queue_age" ? input.threshold : 0,
    window_min: input.kind === "failures" ? input.windowMin : 0,
  };
}

/** Every rule, oldest first (a handful: the page shows them all). */
export async function listAlertRules(db: Db, opts: { enabledOnly?: boolean } = {}): Promise<AlertRule[]> {
  let q = db.selectFrom("alert_rules").selectAll().orderBy("id");
  if (opts.enabledOnly) q = q.where("enabled", "=", 1);
  return (await q.execute()).map(toRule);
}

export async function getAlertRule(db: Db, id: number): Promise<AlertRule | null> {
  const row = await db.selectFrom("alert_rules").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toRule(row) : null;
}

export async function createAlertRule(db: Db, input: AlertRuleInput, now: () => number = Date.now): Promise<AlertRule> {
  const at = now();
  const row = await db
    .insertInto("alert_rules")
    .values({ ...columnsOf(input), created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRule(row);
}

/**
 * Changes what a rule watches. Its state goes back to `ok` under a new seq, silently: the old
 * firing was about the old condition, and an evaluation still running with the old seq cannot
 * move it any more. If the new condition holds, the next evaluation fires it.
 */
export async function updateAlertRule(
  db: Db,
  id: number,
  input: AlertRuleInput,
  now: () => number = Date.now,
): Promise<AlertRule> {
  const row = await db
    .updateTable("alert_rules")
    .set((eb) => ({
      ...columnsOf(input),
      state: "ok",
      state_seq: eb("state_seq", "+", 1),
      state_changed_at: null,
      updated_at: now(),
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new DataError("not_found", `no alert rule ${id}`);
  return toRule(row);
}

/** Turns a rule on or off; like an edit, it starts again from `ok` (a disabled rule never fires or clears). */
export async function setAlertRuleEnabled(
  db: Db,
  id: number,
  enabled: boolean,
  now: () => number = Date.now,
): Promise<AlertRule> {
  const row = await db
    .updateTable("alert_rules")
    .set((eb) => ({
      enabled: enabled ? 1 : 0,
      state: "ok",
      state_seq: eb("state_seq", "+", 1),
      state_changed_at: null,
      updated_at: now(),
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new DataError("not_found", `no alert rule ${id}`);
  return toRule(row);
}

export async function deleteAlertRule(db: Db, id: number): Promise<AlertRule> {
  const row = await db.deleteFrom("alert_rules").where("id", "=", id).returningAll().executeTakeFirst();
  if (!row) throw new DataError("not_found", `no alert rule ${id}`);
  return toRule(row);
}

/** The sentence of one transition: English in `message`, and as a key with values for the bell. */
export interface AlertMessage {
  message: string;
  key: string;
  vars: Record<string, string | number>;
}

/**
 * Moves a rule from the state the evaluator read to `to`, and notifies every admin, in one
 * transaction. Returns the admins notified (for the e-mail), or null when another process moved
 * the rule first, or it was edited, disabled or deleted meanwhile: then nothing was written.
 * Each notification's job id is `alert:<rule>:<seq>:<admin>`, unique, so not even a retried call
 * could write a second one.
 */
export async function transitionAlertRule(
  db: Db,
  read: Pick<AlertRule, "id" | "state" | "stateSeq">,
  to: AlertState,
  text: AlertMessage,
  now: () => number = Date.now,
): Promise<{ seq: number; admins: { id: number; email: string }[] } | null> {
  return db.transaction().execute(async (trx) => {
    const at = now();
    const moved = await trx
      .updateTable("alert_rules")
      .set({ state: to, state_seq: read.stateSeq + 1, state_changed_at: at })
      .where("id", "=", read.id)
      .where("state", "=", read.state)
      .where("state_seq", "=", read.stateSeq)
      .where("enabled", "=", 1)
      .returning("state_seq")
      .executeTakeFirst();
    if (!moved) return null;
    const admins = await trx
      .selectFrom("admins")
      .select(["id", "email"])
      .where("role", "=", "admin")
      .orderBy("id")
      .execute();
    for (const a of admins) {
      await createNotification(trx, {
        recipient: { type: "admin", id: a.id },
        message: text.message,
        messageKey: text.key,
        messageVars: text.vars,
        jobId: `alert:${read.id}:${moved.state_seq}:${a.id}`,
        now: () => at,
      });
    }
    return { seq: moved.state_seq, admins };
  });
}
