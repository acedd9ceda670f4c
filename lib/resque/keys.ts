/**
 * Every Redis key name the engine reads or writes, in one place (docs/resque-protocol.md#key-index).
 * Keys are built explicitly as `ns + name`; ioredis `keyPrefix` is never used because SCAN
 * patterns and returned key names are not rewritten by it.
 */

/** Normalises a namespace to exactly one trailing colon; `""` means no prefix (php allows it). */
export function normalizeNamespace(ns: string | undefined): string {
  const raw = ns ?? "resque";
  if (raw === "") return "";
  return raw.replace(/:+$/, "") + ":";
}

export type Keys = ReturnType<typeof makeKeys>;

/** Key builder bound to one namespace. Names without the namespace are what Resque stores in sets. */
export function makeKeys(namespace?: string) {
  const ns = normalizeNamespace(namespace);
  return {
    ns,
    queues: ns + "queues",
    queue: (q: string) => ns + "queue:" + q,
    workers: ns + "workers",
    worker: (id: string) => ns + "worker:" + id,
    workerStarted: (id: string) => ns + "worker:" + id + ":started",
    heartbeat: ns + "workers:heartbeat",
    /** node-resque's liveness key; `name` is `host:pid` (no queues). */
    workerPing: (name: string) => ns + "worker:ping:" + name,
    pruningLock: ns + "pruning_dead_workers_in_progress",
    statProcessed: ns + "stat:processed",
    statFailed: ns + "stat:failed",
    statProcessedOf: (w: string) => ns + "stat:processed:" + w,
    statFailedOf: (w: string) => ns + "stat:failed:" + w,
    failed: ns + "failed",
    failedQueues: ns + "failed_queues",
    /** Ruby's multi-queue failure backend stores `<queue>_failed` lists at the top level. */
    failedList: (name: string) => ns + name,
    delayedSchedule: ns + "delayed_queue_schedule",
    delayed: (ts: number | string) => ns + "delayed:" + ts,
    timestamps: (rawItem: string) => ns + "timestamps:" + rawItem,
    lastEnqueuedAt: ns + "delayed:last_enqueued_at",
    persistentSchedules: ns + "persistent_schedules",
    schedulesChanged: ns + "schedules_changed",
    pauseAllWorkers: ns + "pause-all-workers",
    pauseAll: ns + "pause:all",
    pauseQueue: (q: string) => ns + "pause:queue:" + q,
    jobStatus: (id: string) => ns + "job:" + id + ":status",
    /**
     * resque-scheduler's master lock. RS builds `<namespace name>:resque_scheduler_master_lock` and
     * sends it through the namespaced client, so the raw key carries the namespace twice
     * (`resque:resque:resque_scheduler_master_lock`, confirmed by the Ruby fixture). Sharing it
     * means a TS scheduler and a Ruby one never both fire the same recurring entry.
     */
    schedulerMasterLock: ns + (ns ? ns.slice(0, -1) + ":" : "") + "resque_scheduler_master_lock",
    /** node-resque ≥ 7's leader lock (shown on the dashboard; not taken by us). */
    nodeSchedulerLeaderLock: ns + "resque_scheduler_leader_lock",
    /** LIST: a token our delayed enqueues push so the leader scheduler wakes before its tick. */
    schedulerWake: ns + "tsq:scheduler:wake",
    /** HASH scheduler id → JSON {id,host,pid,role,beatAt,lastTickAt,moved,fired} (SchedulerRecord), for health. */
    schedulers: ns + "tsq:schedulers",
    /** Counter of failed attempts that were rescheduled by a retry policy instead of failing. */
    statRetried: ns + "tsq:stat:retried",
    /**
     * STRING JSON RetryNote about a retry waiting in the delayed queue, keyed by the SHA-1 of its
     * item: why the attempt before it failed. Resque's delayed items have no room for it (php and
     * Ruby schedulers rebuild them), so it sits beside them and expires a week after the retry.
     */
    retryNote: (itemSha1: string) => ns + "tsq:retry:" + itemSha1,
    /*
     * Keys only this implementation uses live under `tsq:` so that node-resque's
     * `stats()` (SCAN stat:*) and dashboards that SCAN `queue:*` never see them.
     */
    /** LIST of wake-up tokens per queue: our own enqueues push one so idle workers BLPOP instead of polling. */
    wake: (q: string) => ns + "tsq:wake:" + q,
    /** ZSET of `stat:failed` samples (score ms, member `<ms>:<count>`): the alert rules' failures per window (lib/alerts). */
    alertFailedSamples: ns + "tsq:alerts:failed",
    /** STRING with a PX of the alert interval: whoever SETs it NX evaluates the alert rules this interval. */
    alertTick: ns + "tsq:alerts:tick",
    /** Pub/sub channel for supervisor control messages (restart). */
    control: ns + "tsq:control",
    /** HASH supervisor id → JSON {host,pid,queues,count,workers,beatAt}: written by each supervisor, removed on exit. */
    supervisors: ns + "tsq:supervisors",
    /** resque-scheduler ≤ 4.1's HASH of every schedule (name → JSON config); read-only legacy source. */
    legacySchedules: ns + "schedules",
    /** HASH schedule name → epoch ms of the last slot our scheduler fired (or initialised) for it. */
    scheduleLastSlot: ns + "tsq:schedule:last",
    /** HASH "<hour start, unix s>:first|last" → "<processed> <failed>": samples of the shared counters (history.ts). */
    historyHour: ns + "tsq:history:hour",
    /** LIST of the newest samples, newest first, "<unix s> <processed> <failed>": the realtime chart's first points. */
    historyRecent: ns + "tsq:history:recent",
    /**
     * HASHes of jobs run by our workers, for /metrics (docs/resque-protocol.md#metrics): fields
     * `queue:<name>` (and, for failures, `class:<name>`) → count; bounded by the queues and
     * registered classes. Processed per class is the duration histogram's count.
     */
    metricsProcessed: ns + "tsq:metrics:processed",
    metricsFailed: ns + "tsq:metrics:failed",
    /** HASH `<le>|<class>` → jobs whose duration fell in that bucket, plus `sum_us|<class>` (µs). */
    metricsDuration: ns + "tsq:metrics:duration",
  };
}

/**
 * Worker id parts, tolerant of node-resque names with fewer colons (docs/resque-protocol.md#worker-ids).
 * `slot` is the concurrency slot of one of our processes: slot k ≥ 1 is written `host+k:pid:queues`
 * (docs/resque-protocol.md#concurrency-slots), and `host` is then the host without `+k`.
 */
export function parseWorkerId(id: string): { host: string; pid: string; queues: string[]; slot: number } {
  const parts = id.split(":");
  const first = parts[0] ?? "";
  const m = /^(.+)\+([1-9]\d{0,5})$/.exec(first);
  const pid = parts[1] ?? "";
  const rest = parts.slice(2).join(":");
  return { host: m ? m[1]! : first, pid, queues: rest ? rest.split(",") : [], slot: m ? Number(m[2]) : 0 };
}

/**
 * The id of one concurrency slot of a worker process: slot 0 is Ruby's and php's `host:pid:queues`,
 * slot k ≥ 1 is `host+k:pid:queues` — the real pid, and a first part of its own so node-resque's
 * `workers()` (keyed by the first two parts) lists every slot (docs/resque-protocol.md#concurrency-slots).
 */
export function slotWorkerId(host: string, pid: number, queues: string[], slot: number): string {
  return `${slot ? `${host}+${slot}` : host}:${pid}:${queues.join(",")}`;
}

/** node-resque's worker name: the id without its queue list (`host:pid`, or fewer parts). */
export function workerName(id: string): string {
  const [first = "", pid] = id.split(":");
  return pid ? `${first}:${pid}` : first;
}

/** Queue names as Sidekiq's web accepts them: no whitespace or control characters, bounded length. */
export const QUEUE_NAME = /^[^\s\x00-\x1f,*?![\]]{1,200}$/;
