/**
 * The admin API the dashboard and CLI use: queues, failures, workers, stats, Redis info and a
 * key browser. Every function takes a `Connection` and costs a bounded number of round trips
 * (stated on each), except the filtered failure scans, which read the list in chunks.
 */
export type * from "./types";
export * from "./paging";
export * from "./queues";
export * from "./failed-record";
export * from "./failed-read";
export * from "./failed-write";
export * from "./workers";
export * from "./stats";
export * from "./redis-info";
export * from "./key-browser";
export * from "./delayed";
export * from "./clip";
