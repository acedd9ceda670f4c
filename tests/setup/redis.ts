import type { TestProject } from "vitest/node";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let server: RedisServer | undefined;

export async function setup(project: TestProject) {
  server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return async () => {
    await server?.stop();
  };
}
