/**
 * `lib/resque`: a standalone Resque-protocol engine (client, worker, admin API) that reads and
 * writes the Redis layout php-resque, Ruby resque and node-resque share. Imports only ioredis
 * and node:*; callers pass an ioredis instance in.
 */
export * from "./keys.js";
export * from "./errors.js";
export * from "./dates.js";
export * from "./raw-json.js";
export * from "./payload.js";
export * from "./failure.js";
export * from "./job.js";
export * from "./connection.js";
export * from "./client.js";
export * from "./lifecycle.js";
export * from "./queue-match.js";
export * from "./worker.js";
export * from "./admin/index.js";
