/**
 * Typed errors: callers branch on `code`, never on message text. `name` is what lands in a
 * failure record's `exception` field, so it uses the class-like names other Resque
 * implementations recognise (`Resque::DirtyExit` for jobs lost with their process).
 */
export enum ErrorCode {
  DirtyExit = "DIRTY_EXIT",
  UnknownJobClass = "UNKNOWN_JOB_CLASS",
  InvalidPayload = "INVALID_PAYLOAD",
  InvalidArgs = "INVALID_ARGS",
  EnqueueVetoed = "ENQUEUE_VETOED",
  InvalidQueueName = "INVALID_QUEUE_NAME",
  StaleItem = "STALE_ITEM",
  RedisCommand = "REDIS_COMMAND",
  StuckJob = "STUCK_JOB",
  NotReplicated = "NOT_REPLICATED",
  ClusterNamespace = "CLUSTER_NAMESPACE",
}

export class ResqueError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, name = "ResqueError") {
    super(message);
    this.code = code;
    this.name = name;
  }
}

/** The job's process died or was stopped while running it (Ruby: `Resque::DirtyExit`). */
export class DirtyExitError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.DirtyExit, message, "Resque::DirtyExit");
  }
}

/** Ruby's name for a dirty exit found by the dead-worker prune (stale heartbeat). */
export class PruneDeadWorkerDirtyExitError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.DirtyExit, message, "Resque::PruneDeadWorkerDirtyExit");
  }
}

export class UnknownJobClassError extends ResqueError {
  constructor(className: string) {
    super(ErrorCode.UnknownJobClass, `No job class is registered under the name "${className}"`, "UnknownJobClass");
  }
}

export class InvalidPayloadError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.InvalidPayload, message, "InvalidPayload");
  }
}

export class InvalidArgsError extends ResqueError {
  constructor(className: string, details: string) {
    super(ErrorCode.InvalidArgs, `Invalid args for ${className}: ${details}`, "InvalidArgs");
  }
}

export class EnqueueVetoedError extends ResqueError {
  constructor(className: string, reason?: string) {
    super(
      ErrorCode.EnqueueVetoed,
      `Enqueue of ${className} was vetoed by a before-enqueue hook${reason ? `: ${reason}` : ""}`,
      "EnqueueVetoed",
    );
  }
}

export class InvalidQueueNameError extends ResqueError {
  constructor(name: string) {
    super(
      ErrorCode.InvalidQueueName,
      `Invalid queue name ${JSON.stringify(name)}: use 1–200 characters without spaces, commas, * ? ! or brackets`,
      "InvalidQueueName",
    );
  }
}

/** The item changed or moved since it was read; the caller should reload and try again. */
export class StaleItemError extends ResqueError {
  constructor(what: string) {
    super(ErrorCode.StaleItem, `${what} changed since it was read; reload and try again`, "StaleItem");
  }
}

export class RedisCommandError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.RedisCommand, message, "RedisCommandError");
  }
}

/**
 * Throw (or subclass) from `perform()` for a failure that retrying cannot fix — a refused
 * address, a deleted record: the job goes straight to `failed` whatever its retry policy.
 */
export class DoNotRetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DoNotRetry";
  }
}

/** Thrown from a before-perform hook to skip the job without failing it (php-resque's DontPerform). */
export class DontPerform extends Error {
  constructor(reason = "skipped by a before-perform hook") {
    super(reason);
    this.name = "DontPerform";
  }
}

/** The same in-flight entry kept coming back from reserve: failed by the worker's loop brake. */
export class StuckJobError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.StuckJob, message, "StuckJob");
  }
}

/**
 * The durability option (`REDIS_MIN_REPLICAS_ACK`): the write reached the primary but too few
 * replicas confirmed it in time. It is NOT undone: the job may be in Redis and may run, or may be
 * lost if the primary fails now. A caller treats it as "maybe stored" (at-least-once), never as
 * "not stored": enqueueing again may run the job twice.
 */
export class NotReplicatedError extends ResqueError {
  constructor(
    readonly what: string,
    readonly replicas: number,
    readonly wanted: number,
    readonly timeoutMs: number,
  ) {
    super(
      ErrorCode.NotReplicated,
      `${what} not stored on a replica within ${timeoutMs} ms (${replicas} of ${wanted} confirmed): ` +
        `it may still be in Redis and run, or be lost if the primary fails now; check before sending it again`,
      "NotReplicated",
    );
  }
}

/** A namespace without a hash tag on a Redis Cluster: its keys would spread over slots (cluster.ts). */
export class ClusterNamespaceError extends ResqueError {
  constructor(message: string) {
    super(ErrorCode.ClusterNamespace, message, "ClusterNamespaceError");
  }
}
