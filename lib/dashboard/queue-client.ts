import { Client } from "@/lib/resque/index";
import { getRedis, namespaceFromEnv } from "@/lib/redis";
import { createRegistry } from "@/jobs/index";

/** The web app's producer for the demo's jobs: the registry checks each job's args before storing. */
export function demoClient(): Client {
  return new Client({ redis: getRedis(), namespace: namespaceFromEnv(), registry: createRegistry() });
}
