/** One key factory for every react-query query, so a mutation can invalidate exactly what it changes. */
export const queryKeys = {
  status: () => ["status"] as const,
  queues: () => ["queues"] as const,
  /** Without page arguments: every page of that queue (what a queue action invalidates). */
  queue: (name: string, page?: number, perPage?: number) =>
    page === undefined ? (["queue", name] as const) : (["queue", name, page, perPage] as const),
  workers: () => ["workers"] as const,
  /** Under workers(), so what refreshes the list refreshes a worker's page too. */
  worker: (id: string) => ["workers", id] as const,
  working: (page: number, perPage: number) => ["working", page, perPage] as const,
  history: (timeZone: string) => ["history", timeZone] as const,
  stats: () => ["stats"] as const,
  keys: (query: object) => ["keys", query] as const,
  keyValue: (query: object) => ["key-value", query] as const,
  /** Every delayed view: the timestamp list and each timestamp's items, per page. */
  delayed: () => ["delayed"] as const,
  delayedList: (page: number, perPage: number) => ["delayed", "list", page, perPage] as const,
  delayedItems: (timestamp: number, page: number, perPage: number) =>
    ["delayed", "items", timestamp, page, perPage] as const,
  schedules: () => ["schedules"] as const,
  schedulesList: (page: number, perPage: number) => ["schedules", "list", page, perPage] as const,
  /** `failed()` matches every failed-page query (list and groups, any filter) for invalidation. */
  failed: (...parts: string[]) => ["failed", ...parts] as const,
  /** Without page arguments: every page of the demo's exports. */
  exports: (page?: number, perPage?: number) =>
    page === undefined ? (["exports"] as const) : (["exports", page, perPage] as const),
  notifications: () => ["notifications"] as const,
};
