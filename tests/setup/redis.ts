import type { TestProject } from "vitest/node";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let server: RedisServer | undefined;

export async function setup(project: TestProject) {
  // Process tests run the worker bundle exactly as production does; build it if sources changed.
  // @ts-expect-error plain .mjs build script without types
  const { buildWorkers, isStale } = await import("../../scripts/build-workers.mjs");
  if (isStale()) await buildWorkers();
  server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return async () => {
    await server?.stop();
  };
}
