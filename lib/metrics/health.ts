/**
 * Readiness for load balancers and process managers (docs/monitoring.md#health): Redis answers,
 * the database opens, and every migration this build knows is applied. Names only what is down.
 */
import { getDb, listAppliedMigrations } from "../db/index";
import { migrations } from "../db/migrations/index";
import { getRedis } from "../redis";

export type ReadyPart = "redis" | "database" | "migrations";

export async function notReady(): Promise<ReadyPart[]> {
  const redis = getRedis()
    .ping()
    .then(
      () => [] as ReadyPart[],
      () => ["redis"] as ReadyPart[],
    );
  const db = (async (): Promise<ReadyPart[]> => {
    let applied: Set<number>;
    try {
      applied = new Set((await listAppliedMigrations(await getDb())).map((m) => m.version));
    } catch {
      return ["database"];
    }
    return migrations.every((m) => applied.has(m.version)) ? [] : ["migrations"];
  })();
  return (await Promise.all([redis, db])).flat();
}
