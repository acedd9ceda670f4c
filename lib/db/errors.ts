/**
 * Expected failures of the data layer, with a code callers branch on and a message a person can
 * act on (it is shown as-is in forms and the CLI). Unexpected failures stay plain errors.
 */
export type DataErrorCode =
  "invalid_input" | "duplicate" | "not_found" | "last_admin" | "unsupported_database" | "database_unavailable";

export class DataError extends Error {
  readonly code: DataErrorCode;

  constructor(code: DataErrorCode, message: string) {
    super(message);
    this.name = "DataError";
    this.code = code;
  }
}

/**
 * True for UNIQUE / PRIMARY KEY constraint failures: better-sqlite3's `SqliteError.code`, or
 * PostgreSQL's SQLSTATE 23505 (unique_violation) from pg.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
