/**
 * `lib/resque`: a standalone Resque-protocol engine (client, worker, admin API) that reads and
 * writes the Redis layout php-resque, Ruby resque and node-resque share. Imports only ioredis,
 * croner (cron patterns) and node:*; callers pass an ioredis instance in.
 */
export * from "./keys";
export * from "./errors";
export * from "./dates";
export * from "./raw-json";
export * from "./payload";
export * from "./failure";
export * from "./job";
export * from "./connection";
export * from "./cluster";
export * from "./replica-ack";
export * from "./client";
export * from "./lifecycle";
export * from "./queue-match";
export * from "./worker";
export * from "./admin/index";
export * from "./schedules";
export * from "./delayed";
export * from "./scheduler";
export * from "./retry";
export * from "./history";
export * from "./stored-bytes";
