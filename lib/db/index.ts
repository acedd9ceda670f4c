/**
 * `lib/db`: the project's data layer — SQLite (better-sqlite3 12) or PostgreSQL (pg) under kysely, versioned
 * migrations, and one repository module per table group. Loads in plain Node (workers, CLI)
 * and in Next server code; never imports next/*, react or server-only.
 *
 *   const db = await getDb();           // opened from DATABASE_URL, migrated once per process
 *   await listAdmins(db);
 */
export * from "./types";
export * from "./errors";
export * from "./client";
export * from "./portable";
export * from "./migrate";
export * from "./admins";
export * from "./audit";
export * from "./settings";
export * from "./demo-types";
export * from "./demo-validation";
export * from "./ids";
export * from "./products";
export * from "./users";
export * from "./notifications";
export * from "./exports";
export * from "./seed-demo";
export * from "./alerts";
