/**
 * The admin API the dashboard and CLI use: queues, failures, workers, stats, Redis info and a
 * key browser. Every function takes a `Connection` and costs a bounded number of round trips
 * (stated on each), except the filtered failure scans, which read the list in chunks.
 */
export type * from "./types.js";
export * from "./paging.js";
export * from "./queues.js";
export * from "./failed-record.js";
export * from "./failed-read.js";
export * from "./failed-write.js";
export * from "./workers.js";
export * from "./stats.js";
export * from "./redis-info.js";
export * from "./key-browser.js";
