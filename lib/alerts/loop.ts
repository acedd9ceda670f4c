/**
 * Runs the alert evaluation in a long-lived process: every scheduler process and every web
 * server start one (workers/scheduler-process.ts, instrumentation.ts). Why in all of them, and
 * not only under the scheduler's leader lock: the "scheduler without a leader" rule must fire
 * exactly when no scheduler leads, so the web servers must be able to evaluate too.
 *
 * Why it is still one evaluation per interval and one message per transition:
 * - each process checks a few times per interval, and evaluates only if its `SET alertTick NX PX
 *   <interval>` succeeds — whichever process gets there first this interval, on any host;
 * - an evaluation that overlaps another anyway (a slow one outliving the key) cannot send twice:
 *   each transition is a compare-and-set in the shared database (lib/db/alerts.ts).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../db/index";
import type { Connection } from "../resque/connection";
import { evaluateAlerts, type Transition } from "./evaluate";

/** Default ALERT_INTERVAL_SEC. */
export const DEFAULT_ALERT_INTERVAL_SEC = 30;

/** ALERT_INTERVAL_SEC (seconds, fractions allowed; 0 turns evaluation off in this process). */
export function alertIntervalMsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.ALERT_INTERVAL_SEC;
  const n = raw === undefined || raw === "" ? DEFAULT_ALERT_INTERVAL_SEC : Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : DEFAULT_ALERT_INTERVAL_SEC * 1000;
}

export interface AlertLoopOptions {
  conn: Connection;
  /** The database; null: none to read yet (a scheduler never creates one), so nothing to check. */
  db: () => Promise<Db | null>;
  intervalMs: number;
  lockTimeoutSec: number;
  log?: (line: string) => void;
  onTransition?: (t: Transition) => void;
}

/** Starts checking; `stop()` ends the timer and waits for an evaluation under way. */
export function startAlertLoop(opts: AlertLoopOptions): { stop: () => Promise<void> } {
  if (opts.intervalMs <= 0) return { stop: async () => {} };
  const token = randomBytes(8).toString("hex");
  let running: Promise<void> | null = null;
  let stopped = false;
  // A lasting fault (Redis away, an unreadable database) is said once, not every tick.
  let lastError = "";

  const tick = async () => {
    const db = await opts.db();
    if (!db) return;
    // No rule enabled: no Redis write at all (the common case in a shop that uses none).
    const any = await db.selectFrom("alert_rules").select("id").where("enabled", "=", 1).limit(1).executeTakeFirst();
    if (!any) return;
    const won = await opts.conn.redis.set(opts.conn.keys.alertTick, token, "PX", opts.intervalMs, "NX");
    if (won !== "OK") return;
    const made = await evaluateAlerts({ db, conn: opts.conn, lockTimeoutSec: opts.lockTimeoutSec, log: opts.log });
    lastError = "";
    for (const t of made) {
      opts.log?.(`alert ${t.ruleId} (${t.name}) ${t.to === "firing" ? "fired" : "cleared"}: ${t.message}`);
      opts.onTransition?.(t);
    }
  };

  const timer = setInterval(
    () => {
      if (running || stopped) return;
      running = tick()
        .catch((e: Error) => {
          if (e.message !== lastError) opts.log?.(`alerts: ${e.message}`);
          lastError = e.message;
        })
        .finally(() => (running = null));
    },
    Math.max(100, Math.floor(opts.intervalMs / 4)),
  );
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
