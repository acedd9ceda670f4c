/**
 * The log of every process (web app, supervisor, workers, scheduler, CLI), in one of two forms:
 *
 * - text (the default): `<ISO time> <message>` per line, for a person at a terminal;
 * - `LOG_FORMAT=json`: one JSON object per line, written by pino, for log pipelines: `level`
 *   (a name), `time` (ISO 8601), `pid`, `hostname`, `role`, the message as `msg`, and the
 *   fields the caller gives (a worker's `worker` id, a job's `jobId`, `jobClass`, …; an error as
 *   `err` with `type`, `message` and `stack`).
 *
 * lib/resque never logs: it emits events, and workers/job-log.ts maps them to lines here.
 * pino writes asynchronously (no write syscall per line while the previous write is in
 * flight, so a busy worker's lines batch up) and flushes what is pending when the process exits.
 */
import os from "node:os";
import pino from "pino";

/** Who is writing: each process says it once, and every line carries it. */
export type LogRole = "web" | "supervisor" | "worker" | "scheduler" | "cli";

/** Structured fields of a line; in text form only the message is written. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly json: boolean;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** The environment variables read here (process.env by default). */
type Env = Record<string, string | undefined>;

export interface LoggerOptions {
  env?: Env;
  /** Fields every line carries (a worker's id). */
  bindings?: LogFields;
  /** Where lines go (tests); by default stdout, shared by every logger of the process. */
  stream?: { write(line: string): unknown };
  /** Text form only: where warnings and errors go (the web app writes them to stderr, as console.error did). */
  errorStream?: { write(line: string): unknown };
  /**
   * Text form only: follow a line with its `err` field's stack (the web app's unexpected errors).
   * Workers leave it off: a job's failure is one line, its backtrace is in the failure record.
   */
  stacks?: boolean;
}

/** True when LOG_FORMAT asks for JSON lines (`json`, any case); anything else is text. */
export function jsonLogs(env: Env = process.env): boolean {
  return (env.LOG_FORMAT ?? "").trim().toLowerCase() === "json";
}

/** True when LOG_JOB_ARGS=1: job lines carry the job's args (off by default: args may hold personal data). */
export function logJobArgs(env: Env = process.env): boolean {
  return env.LOG_JOB_ARGS === "1";
}

/**
 * One stdout destination per process, on globalThis: Next loads this module once per module
 * graph, and two SonicBooms on fd 1 could interleave half lines. Writes carry whole lines and at
 * most PIPE_BUF (4096) bytes, so the lines of a supervisor and its workers, which share one
 * stdout pipe, never cut into each other (a single line longer than that can).
 */
const g = globalThis as typeof globalThis & { __resqueLogDestination?: pino.DestinationStream };
function stdoutDestination(): pino.DestinationStream {
  return (g.__resqueLogDestination ??= pino.destination({ dest: 1, sync: false, maxWrite: 4096 }));
}

function jsonLogger(role: LogRole, opts: LoggerOptions): Logger {
  const p = pino(
    {
      base: { pid: process.pid, hostname: os.hostname(), role, ...opts.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.stream ? (opts.stream as pino.DestinationStream) : stdoutDestination(),
  );
  const at = (level: "info" | "warn" | "error") => (msg: string, fields?: LogFields) =>
    fields ? p[level](fields, msg) : p[level](msg);
  return { json: true, info: at("info"), warn: at("warn"), error: at("error") };
}

function textLogger(opts: LoggerOptions): Logger {
  const out = opts.stream ?? process.stdout;
  const errOut = opts.errorStream ?? out;
  const line = (stream: { write(s: string): unknown }) => (msg: string, fields?: LogFields) => {
    const err = opts.stacks ? fields?.err : undefined;
    const stack = err instanceof Error && err.stack ? `\n${err.stack}` : "";
    stream.write(`${new Date().toISOString()} ${msg}${stack}\n`);
  };
  return { json: false, info: line(out), warn: line(errOut), error: line(errOut) };
}

/** A logger for `role`, in the form LOG_FORMAT asks for. */
export function createLogger(role: LogRole, opts: LoggerOptions = {}): Logger {
  return jsonLogs(opts.env) ? jsonLogger(role, opts) : textLogger(opts);
}

const w = globalThis as typeof globalThis & { __resqueWebLog?: Logger };

/**
 * The web app's log (route handlers, server actions): what we log ourselves, not Next's own
 * output. In text form its warnings and errors go to stderr with their stack, as console.error did.
 */
export function webLog(): Logger {
  return (w.__resqueWebLog ??= createLogger("web", { errorStream: process.stderr, stacks: true }));
}
