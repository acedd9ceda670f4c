/** One key factory for every react-query query, so a mutation can invalidate exactly what it changes. */
export const queryKeys = {
  status: () => ["status"] as const,
  queues: () => ["queues"] as const,
  workers: () => ["workers"] as const,
  /** `failed()` matches every failed-page query (list and groups, any filter) for invalidation. */
  failed: (...parts: string[]) => ["failed", ...parts] as const,
};
