import type { Kysely } from "kysely";

/**
 * One schema change. `version` orders them and is what `schema_migrations` records; `up` runs
 * inside a transaction that also records it, so a migration is applied whole or not at all.
 * Migrations never change once released: fix forward with a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>): Promise<void>;
}
