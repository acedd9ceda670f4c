/** One key factory for every react-query query, so a mutation can invalidate exactly what it changes. */
export const queryKeys = {
  status: () => ["status"] as const,
  queues: () => ["queues"] as const,
  /** Without page arguments: every page of that queue (what a queue action invalidates). */
  queue: (name: string, page?: number, perPage?: number) => (page === undefined ? (["queue", name] as const) : (["queue", name, page, perPage] as const)),
  workers: () => ["workers"] as const,
};
