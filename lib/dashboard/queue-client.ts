import { Client } from "@/lib/resque/index";
import { durabilityFromEnv, getRedis, namespaceFromEnv } from "@/lib/redis";
import { jobRegistry } from "./job-registry";

/**
 * The web app's Resque client, for every job a dashboard action enqueues (the demo's sends and
 * exports): the shared connection and namespace, and the job registry, which checks each job's
 * args against its class's schema before anything is stored.
 */
export function queueClient(): Client {
  return new Client({
    redis: getRedis(),
    namespace: namespaceFromEnv(),
    registry: jobRegistry(),
    durability: durabilityFromEnv(),
  });
}
