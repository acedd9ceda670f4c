/**
 * Existence checks for the demo's batch actions, over any of its tables: products and users both
 * refuse a selection that names rows which are not there (deleted since the page was drawn, or
 * made up by a forged request), and name them.
 */
import { sql } from "kysely";
import { idRows } from "./portable";
import type { Db } from "./types";

/**
 * The ids among `ids` with no row in `table`: one statement whatever the count (the list goes in
 * as one JSON parameter, not as 10,000 bound variables).
 */
export async function findMissingIds(db: Db, table: "products" | "users", ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const res = await sql<{ id: number }>`select j.id from ${idRows(db, ids)} j
    where not exists (select 1 from ${sql.table(table)} t where t.id = j.id)`.execute(db);
  return res.rows.map((r) => r.id);
}
