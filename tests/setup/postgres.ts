/**
 * Global setup of the `*-pg` projects: ONE PostgreSQL server per vitest run (tests/helpers/
 * postgres.ts), with the migrated template every test database is copied from. Both pg projects
 * list this file; vitest loads it once per project, so the server is shared through globalThis
 * and stopped when the last project's teardown runs.
 */
import type { TestProject } from "vitest/node";
import { createTemplate, startPostgresServer, type PostgresServer } from "../helpers/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's server (its `postgres` database): tests/helpers/db.ts creates databases through it. */
    postgresUrl: string;
  }
}

const KEY = Symbol.for("resque-admin.test-postgres");
type Shared = { server: Promise<PostgresServer>; users: number };
const g = globalThis as unknown as Record<symbol, Shared | undefined>;

export async function setup(project: TestProject) {
  let shared = g[KEY];
  if (!shared) {
    const server = startPostgresServer().then(async (s) => {
      try {
        await createTemplate(s);
        return s;
      } catch (e) {
        await s.stop();
        throw e;
      }
    });
    shared = g[KEY] = { server, users: 0 };
  }
  shared.users++;
  const server = await shared.server;
  project.provide("postgresUrl", server.url());
  return async () => {
    if (--shared.users > 0) return;
    g[KEY] = undefined;
    await server.stop();
  };
}
