/**
 * The database schema as kysely sees it (one interface per table, as the kysely docs recommend).
 * Column names stay snake_case like the SQL; repositories map rows to camelCase view models.
 *
 * Times are Unix epoch **milliseconds** in INTEGER columns (`*_at`; BIGINT on PostgreSQL): cheap
 * to compare and index, unambiguous across time zones, and easy to drive from an injected clock in
 * tests. Booleans are INTEGER 0/1 (better-sqlite3 cannot bind JS booleans) on both engines.
 */
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from "kysely";
import type { ExportsTable, NotificationsTable, ProductsTable, UsersTable } from "./demo-types";

/** A column the database fills in when an insert leaves it out, and that updates may not change. */
type CreatedAt = ColumnType<number, number | undefined, never>;

export type Role = "admin" | "viewer";

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface AdminsTable {
  id: Generated<number>;
  /** Stored trimmed and lower-cased; the column is also case-insensitive (`COLLATE NOCASE`, citext) and unique. */
  email: string;
  password_hash: string;
  role: Role;
  created_at: CreatedAt;
  updated_at: Generated<number>;
  last_sign_in_at: number | null;
}

export interface SessionsTable {
  /** 32 random bytes as hex. The cookie carries it with an HMAC; see lib/auth/session.ts. */
  id: string;
  admin_id: number;
  created_at: CreatedAt;
  /** Absolute expiry; idle expiry is `last_seen_at` + the idle lifetime. */
  expires_at: number;
  last_seen_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface SignInAttemptsTable {
  /** `email:<lower-cased email>` or `ip:<address>`. */
  key: string;
  attempted_at: number;
  /** 1 for a successful sign-in, 0 for a failure. */
  success: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  /** No foreign key: the log outlives the accounts it mentions. Null for the system or the CLI. */
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  /** JSON array of the ids or names acted on; null when the action had no item list. */
  items: string | null;
  result: string;
  detail: string | null;
  ip: string | null;
  /** os.hostname() of the process that wrote the row (migration 004); null on older rows. */
  host: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type AlertKind = "failures" | "queue_age" | "queue_no_worker" | "scheduler_no_leader";
export type AlertState = "ok" | "firing";

/** Alert rules (migration 003, lib/db/alerts.ts). */
export interface AlertRulesTable {
  id: Generated<number>;
  name: string;
  kind: AlertKind;
  queue: Generated<string>;
  threshold: Generated<number>;
  window_min: Generated<number>;
  enabled: Generated<number>;
  state: Generated<AlertState>;
  state_seq: Generated<number>;
  state_changed_at: number | null;
  created_at: CreatedAt;
  updated_at: Generated<number>;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  admins: AdminsTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  products: ProductsTable;
  users: UsersTable;
  notifications: NotificationsTable;
  exports: ExportsTable;
  alert_rules: AlertRulesTable;
}

/**
 * Environment variables as read by lib/db and lib/auth. Not NodeJS.ProcessEnv: Next's types make
 * NODE_ENV required there, which would reject the plain objects tests and the CLI pass in.
 */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** The project's database handle: one kysely instance over one better-sqlite3 connection or a pg pool. */
export type Db = Kysely<Database>;

export type AdminRow = Selectable<AdminsTable>;
export type NewAdminRow = Insertable<AdminsTable>;
export type AdminUpdate = Updateable<AdminsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
