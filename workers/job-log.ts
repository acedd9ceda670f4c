/**
 * A worker's events as log lines (lib/log.ts). The engine (lib/resque/worker.ts) only emits
 * events; this is the one place that words them.
 *
 * Text (default): failures, retries, errors and problems, as before; job starts and successes only
 * with VERBOSE/LOGGING/VVERBOSE. JSON (LOG_FORMAT=json): every job start, success, failure and
 * retry, each with `event`, `jobId`, `jobClass`, `queue`, `attempt` (1 = first run) and, once it
 * ran, `durationMs`; a job's args only with LOG_JOB_ARGS=1, since they may hold personal data.
 */
import { attemptsBefore, type DecodedPayload, type Worker } from "../lib/resque/index";
import { logJobArgs, type LogFields, type Logger } from "../lib/log";

export interface JobLogOptions {
  /** Text form: also log job starts and successes. */
  verbose?: boolean;
  /** Put the job's args on its lines (LOG_JOB_ARGS=1). */
  args?: boolean;
}

/** Subscribes `logger` to `worker`'s events; `opts` default from the environment. */
export function logWorkerEvents(
  worker: Worker,
  logger: Logger,
  opts: JobLogOptions = { verbose: verboseFromEnv(), args: logJobArgs() },
): void {
  const every = logger.json || !!opts.verbose;
  // Keyed by the payload object the engine passes to every event of one run, so it holds with
  // several jobs in flight; a WeakMap forgets runs that end without an event (stop now).
  const started = new WeakMap<DecodedPayload, number>();
  const who = `worker ${process.pid}`;
  // Built once per line and added to in place: a busy worker writes two of these per job.
  const job = (queue: string, p: DecodedPayload, event: string): LogFields => {
    const f: LogFields = { event, jobId: p.id, jobClass: p.className, queue, attempt: attemptsBefore(p) + 1 };
    if (opts.args) f.args = p.argsArray;
    return f;
  };
  const ranMs = (p: DecodedPayload) => {
    const t = started.get(p);
    return t === undefined ? undefined : Date.now() - t;
  };

  worker.on("job", (q, p) => {
    started.set(p, Date.now());
    if (every) logger.info(`${who}: ${p.className ?? "?"} on ${q} started`, job(q, p, "job.start"));
  });
  worker.on("success", (q, p, _result, ms) => {
    if (!every) return;
    const f = job(q, p, "job.success");
    f.durationMs = ms;
    logger.info(`${who}: ${p.className} on ${q} done in ${ms} ms`, f);
  });
  worker.on("failure", (q, p, err) => {
    const f = job(q, p, "job.failure");
    f.durationMs = ranMs(p);
    f.err = err;
    logger.error(`${who}: ${p.className ?? "?"} on ${q} failed: ${err.name}: ${err.message}`, f);
  });
  // A retried attempt leaves no failure record, so this line is the only place its reason shows.
  worker.on("retry", (q, p, err, attempt, atSec) => {
    const at = new Date(atSec * 1000).toISOString();
    const f = job(q, p, "job.retry");
    f.durationMs = ranMs(p);
    f.nextAttempt = attempt + 1;
    f.retryAt = at;
    f.err = err;
    logger.warn(
      `${who}: ${p.className ?? "?"} on ${q} failed: ${err.name}: ${err.message}; retry ${attempt} at ${at}`,
      f,
    );
  });
  worker.on("error", (err) => logger.error(`${who}: ${err.message}`, { event: "worker.error", err }));
  worker.on("problem", (message) => logger.warn(`${who}: ${message}`, { event: "worker.problem" }));
  worker.on("pruned", (r) =>
    r.pruned.forEach((p) =>
      logger.info(`${who}: pruned dead worker ${p.id} (${p.reason}; job ${p.job})`, {
        event: "worker.pruned",
        prunedWorker: p.id,
        reason: p.reason,
        job: p.job,
      }),
    ),
  );
}

function verboseFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.VERBOSE || env.LOGGING || env.VVERBOSE);
}
