/**
 * The process's log (lib/log.ts): text lines by default, JSON lines with LOG_FORMAT=json. An entry
 * point names its role once (`setLogRole`); created on first use, so `.env` files are loaded by then.
 */
import { createLogger, type LogFields, type Logger, type LogRole } from "../lib/log";

let role: LogRole = "cli";
let bindings: LogFields | undefined;
let current: Logger | undefined;

/** Names what this process is (and the fields every line carries, such as a worker's id). */
export function setLogRole(r: LogRole, fields?: LogFields): void {
  role = r;
  bindings = fields;
  current = undefined;
}

/** The process's logger. */
export function processLog(): Logger {
  return (current ??= createLogger(role, { bindings }));
}

/** One line about what happened, on stdout. */
export function log(msg: string, fields?: LogFields): void {
  processLog().info(msg, fields);
}

/** One line about something that went wrong (level `error` in JSON). */
export function logError(msg: string, fields?: LogFields): void {
  processLog().error(msg, fields);
}
