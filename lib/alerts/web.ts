/**
 * The web server's alert evaluation, started once per `next start` by instrumentation.ts. The web
 * servers evaluate as well as the schedulers so that "scheduler without a leader" can fire when
 * no scheduler runs at all (lib/alerts/loop.ts says why that still sends once).
 */
import { getDb } from "../db/index";
import { getConnection } from "../redis";
import { alertIntervalMsFromEnv, startAlertLoop } from "./loop";

const g = globalThis as unknown as { __resqueAdminAlerts?: { stop: () => Promise<void> } };

/** LOCK_TIMEOUT as the schedulers read it (workers/config.ts): seconds, default 30. */
function lockTimeoutSec(): number {
  const n = Number(process.env.LOCK_TIMEOUT);
  return Number.isFinite(n) && n > 0 ? n : 30;
}

export function startWebAlerts(): void {
  g.__resqueAdminAlerts ??= startAlertLoop({
    conn: getConnection(),
    db: getDb,
    intervalMs: alertIntervalMsFromEnv(),
    lockTimeoutSec: lockTimeoutSec(),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
}
