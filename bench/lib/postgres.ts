/**
 * BENCH_DATABASE=postgres: the bench's web servers and exports on a private PostgreSQL 15
 * (tests/helpers/postgres.ts, as the `*-pg` test projects use it) instead of SQLite files.
 * startWeb() then gives each server its own database on it (tests/helpers/db.ts reads
 * TEST_DATABASE and TEST_POSTGRES_URL).
 */
import { createTemplate, startPostgresServer, type PostgresServer } from "../../tests/helpers/postgres";

export function benchDatabase(): "sqlite" | "postgres" {
  return process.env.BENCH_DATABASE === "postgres" ? "postgres" : "sqlite";
}

/** Starts the server when BENCH_DATABASE=postgres or `always` (else null); stop() it at the end. */
export async function startBenchPostgres(always = false): Promise<PostgresServer | null> {
  if (!always && benchDatabase() !== "postgres") return null;
  const server = await startPostgresServer();
  try {
    await createTemplate(server);
  } catch (e) {
    await server.stop();
    throw e;
  }
  process.env.TEST_DATABASE = "postgres";
  process.env.TEST_POSTGRES_URL = server.url();
  return server;
}
