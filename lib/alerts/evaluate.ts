/**
 * One evaluation of the alert rules (docs/monitoring.md#alerts): read Redis once, judge every
 * enabled rule, and move the ones whose condition changed. A move is exactly once across
 * processes (lib/db/alerts.ts transitionAlertRule); the process that made it sends the one e-mail.
 *
 * Cost per evaluation: one SELECT of the enabled rules; with any, readHealth (O(queues + workers)
 * O(1) commands, as `status --check`) and, with a failures rule, one pipeline of 3 + windows
 * commands on the failure samples.
 */
import {
  listAlertRules,
  MAX_ALERT_WINDOW_MIN,
  transitionAlertRule,
  type AlertMessage,
  type AlertRule,
  type AlertState,
  type Db,
} from "../db/index";
import { translator, type MessageKey } from "../i18n/index";
import { sendMail } from "../mail";
import { execAll, type Connection } from "../resque/connection";
import { leaderless, readHealth, staleQueues, unservedQueues, type HealthReading } from "../resque/admin/problems";

export interface EvaluateOptions {
  db: Db;
  conn: Connection;
  /** LOCK_TIMEOUT of the schedulers, seconds: the leader rule's grace, as `status --check`. */
  lockTimeoutSec: number;
  now?: () => number;
  /** Where a failed e-mail is said (the e-mail is not retried: the bell already has the alert). */
  log?: (line: string) => void;
}

export interface Transition {
  ruleId: number;
  name: string;
  to: AlertState;
  seq: number;
  message: string;
  notified: number;
}

/**
 * Samples `stat:failed` (every implementation's workers bump it) and answers, per window in
 * minutes, how many failures happened since the newest sample at least that old — or since the
 * first sample, while none is that old yet. A counter reset (FLUSHDB, Ruby's Stat.clear) counts 0.
 */
async function failuresPerWindow(
  conn: Connection,
  failedNow: number,
  nowMs: number,
  windowsMin: number[],
): Promise<Map<number, number>> {
  const key = conn.keys.alertFailedSamples;
  const pipe = conn.redis
    .multi()
    .zadd(key, String(nowMs), `${nowMs}:${failedNow}`)
    .zremrangebyscore(key, "-inf", `(${nowMs - (MAX_ALERT_WINDOW_MIN + 10) * 60_000}`)
    .zrange(key, "0", "0");
  for (const w of windowsMin) pipe.zrevrangebyscore(key, String(nowMs - w * 60_000), "-inf", "LIMIT", 0, 1);
  const replies = await execAll(pipe);
  const countOf = (members: unknown) => Number(String((members as string[])[0] ?? "").split(":")[1] ?? failedNow);
  const first = countOf(replies[2]);
  const out = new Map<number, number>();
  windowsMin.forEach((w, i) => {
    const before = (replies[3 + i] as string[]).length ? countOf(replies[3 + i]) : first;
    out.set(w, Math.max(0, failedNow - before));
  });
  return out;
}

/** The rule's condition: its message key and values when it holds, null when it does not. */
function judge(
  rule: AlertRule,
  h: HealthReading,
  failures: Map<number, number>,
  lockTimeoutSec: number,
): { key: MessageKey; vars: Record<string, string | number> } | null {
  const name = rule.name;
  const mine = (q: { name: string }) => rule.queue === "" || q.name === rule.queue;
  switch (rule.kind) {
    case "failures": {
      const count = failures.get(rule.windowMin) ?? 0;
      return count > rule.threshold
        ? {
            key: "alerts.notify.failures",
            vars: { name, count, window: rule.windowMin, threshold: rule.threshold },
          }
        : null;
    }
    case "queue_age": {
      const q = staleQueues(h, rule.threshold).find(mine);
      return q
        ? {
            key: "alerts.notify.queue_age",
            vars: { name, queue: q.name, age: Math.round(q.ageSec), threshold: rule.threshold },
          }
        : null;
    }
    case "queue_no_worker": {
      const q = unservedQueues(h).find(mine);
      return q ? { key: "alerts.notify.queue_no_worker", vars: { name, queue: q.name, size: q.size } } : null;
    }
    case "scheduler_no_leader": {
      const none = leaderless(h, lockTimeoutSec);
      if (!none) return null;
      return none.tickAgeSec === null
        ? { key: "alerts.notify.scheduler_never", vars: { name } }
        : { key: "alerts.notify.scheduler_no_leader", vars: { name, age: Math.round(none.tickAgeSec) } };
    }
  }
}

const en = translator("en");
const zh = translator("zh-CN");

/** Judges every enabled rule once and makes the transitions that are due; returns those this call made. */
export async function evaluateAlerts(opts: EvaluateOptions): Promise<Transition[]> {
  const now = opts.now ?? Date.now;
  const rules = await listAlertRules(opts.db, { enabledOnly: true });
  if (rules.length === 0) return [];
  const h = await readHealth(opts.conn);
  const windows = [...new Set(rules.filter((r) => r.kind === "failures").map((r) => r.windowMin))];
  const failures = windows.length
    ? await failuresPerWindow(opts.conn, h.metrics.failed, now(), windows)
    : new Map<number, number>();

  const made: Transition[] = [];
  for (const rule of rules) {
    const cond = judge(rule, h, failures, opts.lockTimeoutSec);
    const to: AlertState = cond ? "firing" : "ok";
    if (to === rule.state) continue;
    const key: MessageKey = cond?.key ?? "alerts.notify.cleared";
    const vars = cond?.vars ?? { name: rule.name };
    const text: AlertMessage = { message: en(key, vars), key, vars };
    const won = await transitionAlertRule(opts.db, rule, to, text, now);
    if (!won) continue; // another process made this move, or the rule changed meanwhile
    made.push({
      ruleId: rule.id,
      name: rule.name,
      to,
      seq: won.seq,
      message: text.message,
      notified: won.admins.length,
    });
    if (won.admins.length === 0) continue;
    const subject = to === "firing" ? "alerts.mail.fired" : "alerts.mail.cleared";
    try {
      // One message to every admin: SMTP when SMTP_URL is set, else the outbox (lib/mail.ts).
      await sendMail({
        to: won.admins.map((a) => a.email),
        subject: en(subject, { name: rule.name }),
        text: `${text.message}\n\n${zh(key, vars)}\n`,
      });
    } catch (e) {
      opts.log?.(`alert ${rule.id} (${rule.name}): e-mail not sent: ${(e as Error).message}`);
    }
  }
  return made;
}
