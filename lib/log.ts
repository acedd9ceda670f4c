/**
 * The log of every process (web app, supervisor, workers, scheduler, CLI), in one of two forms:
 *
 * - text (the default): `<ISO time> <message>` per line, for a person at a terminal;
 * - `LOG_FORMAT=json`: one JSON object per line, written by pino, for log pipelines: `level`
 *   (a name), `time` (epoch milliseconds), `pid`, `hostname`, `role`, the message as `msg`, and the
 *   fields the caller gives (a worker's `worker` id, a job's `jobId`, `jobClass`, …; an error as
 *   `err` with `type`, `message` and `stack`).
 *
 * lib/resque never logs: it emits events, and workers/job-log.ts maps them to lines here.
 */
import fs from "node:fs";
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
  /** JSON form: false writes every line through pino, never flatLine (tests compare the two). */
  flat?: boolean;
}

/** True when LOG_FORMAT asks for JSON lines (`json`, any case); anything else is text. */
export function jsonLogs(env: Env = process.env): boolean {
  return (env.LOG_FORMAT ?? "").trim().toLowerCase() === "json";
}

/** True when LOG_JOB_ARGS=1: job lines carry the job's args (off by default: args may hold personal data). */
export function logJobArgs(env: Env = process.env): boolean {
  return env.LOG_JOB_ARGS === "1";
}

/** At most this long between a line and its write (a quiet process's line is not held longer). */
export const LOG_FLUSH_MS = 50;
/** Linux's PIPE_BUF: a pipe write of at most this many bytes is never cut into by another process's. */
const PIPE_BUF = 4096;

/**
 * The JSON lines' way to stdout. Lines are gathered and written together — when a write of
 * whole lines would pass PIPE_BUF bytes, LOG_FLUSH_MS after the first waiting line, and at exit —
 * with one synchronous write: a supervisor and its workers share one stdout pipe, and writes of
 * that size never cut into each other (a single line longer than that can). A write per line cost
 * a busy worker a third of its throughput (bench/run.ts, log-overhead); the price is that a process
 * killed with SIGKILL loses its last LOG_FLUSH_MS of lines.
 */
class BatchedLines {
  private parts: string[] = [];
  private bytes = 0;
  private timer?: NodeJS.Timeout;
  private broken = false;

  constructor(private readonly fd: number) {
    process.on("exit", () => this.flush());
  }

  write(line: string): void {
    const n = Buffer.byteLength(line);
    if (this.bytes + n > PIPE_BUF) this.flush();
    this.parts.push(line);
    this.bytes += n;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), LOG_FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.bytes === 0) return;
    // Written as a string (no copy into a Buffer); only a partial write needs the bytes.
    let rest: string | Buffer = this.parts.join("");
    let left = this.bytes;
    this.parts = [];
    this.bytes = 0;
    while (left > 0 && !this.broken) {
      try {
        const n = typeof rest === "string" ? fs.writeSync(this.fd, rest) : fs.writeSync(this.fd, rest);
        left -= n;
        if (left > 0) rest = (typeof rest === "string" ? Buffer.from(rest) : rest).subarray(n);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A non-blocking pipe that is full: wait for the reader, as a blocking write would.
        if (code === "EAGAIN") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        // Nobody reads any more (EPIPE) or the fd is gone: logging must not take the process down.
        else this.broken = true;
      }
    }
  }
}

/** One per process, on globalThis: Next loads this module once per module graph. */
const g = globalThis as typeof globalThis & { __resqueLogDestination?: BatchedLines };
function stdoutDestination(): BatchedLines {
  return (g.__resqueLogDestination ??= new BatchedLines(1));
}

function jsonLogger(role: LogRole, opts: LoggerOptions): Logger {
  const base = { pid: process.pid, hostname: os.hostname(), role, ...opts.bindings };
  const dest = opts.stream ?? stdoutDestination();
  const p = pino(
    {
      base,
      // pino's default: epoch milliseconds. An ISO string costs a Date and a format per line
      // (about 1 µs, a tenth of a busy worker's logging); pipelines and pino-pretty read both.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    dest as pino.DestinationStream,
  );
  // The bindings as pino writes them after `time`, built once.
  let bound = "";
  for (const [k, v] of Object.entries(base)) if (v !== undefined) bound += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  const at = (level: "info" | "warn" | "error") => {
    const head = `{"level":"${level}","time":`;
    return (msg: string, fields?: LogFields) => {
      const line = opts.flat === false ? undefined : flatLine(head, bound, msg, fields);
      if (line !== undefined) dest.write(line);
      else p[level](fields!, msg);
    };
  };
  return { json: true, info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * The line pino would write — same keys in the same order (level, time, bindings, fields, msg) —
 * when every field is a string, a finite number, a boolean or undefined (left out), as the two
 * lines a busy worker writes per job are; undefined for anything else (an error, args, an
 * object), which pino serializes. Built by hand because pino's general path cost about half of a
 * job line's time (bench/run.ts, log-overhead); tests/unit/log.test.ts holds the two to the same
 * bytes.
 */
function flatLine(head: string, bound: string, msg: string, fields?: LogFields): string | undefined {
  let s = head + Date.now() + bound;
  if (fields)
    for (const k in fields) {
      const v = fields[k];
      if (v === undefined) continue;
      let key = QUOTED_KEYS.get(k);
      if (key === undefined) {
        key = `,${JSON.stringify(k)}:`;
        if (QUOTED_KEYS.size < 256) QUOTED_KEYS.set(k, key);
      }
      if (typeof v === "string") s += key + quote(v);
      else if (typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) s += key + v;
      else return undefined;
    }
  return `${s},"msg":${quote(msg)}}\n`;
}

/** `,"key":` per field name: a job line's six names repeat on every line. */
const QUOTED_KEYS = new Map<string, string>();

/** JSON.stringify(v), without its work when v is printable ASCII with no `"` or `\` (a job line's values). */
function quote(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return JSON.stringify(v);
  }
  return `"${v}"`;
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
