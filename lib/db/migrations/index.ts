/**
 * Every migration, in order. Add a file `NNN-name.ts` and append it here; `migrate()` checks
 * that versions are unique and ascending.
 */
import { migration001Auth } from "./001-auth";
import { migration002Demo } from "./002-demo";
import { migration003Alerts } from "./003-alerts";
import { migration004AuditHost } from "./004-audit-host";
import type { Migration } from "./types";

export type { Migration } from "./types";

export const migrations: readonly Migration[] = [
  migration001Auth,
  migration002Demo,
  migration003Alerts,
  migration004AuditHost,
];
