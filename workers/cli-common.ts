/** What the CLI commands share: their I/O, one-line errors and the confirmation prompt. */
import { createInterface } from "node:readline/promises";

/** Errors the CLI prints as one line: usage mistakes exit with 2, everything else with 1. */
export class UsageError extends Error {}
export class CliError extends Error {}

/**
 * Everything a CLI command reads from or writes to its process, so `main` also runs inside
 * another process (tests) with an environment and output of its own.
 */
export interface CliIo {
  /** Settings (REDIS_URL, RESQUE_NAMESPACE, QUEUE_ENV, …); `.env` files fill in what is missing. */
  env: NodeJS.ProcessEnv;
  /** Where `.env` / `.env.<QUEUE_ENV>` are looked for and a relative APP_INCLUDE is resolved. */
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a destructive command reads its confirmation; asked only when it is a terminal. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

const quiet = new WeakSet<NodeJS.WritableStream>();

/**
 * As console.log does: a reader that went away (`npm run queue -- status | head -1`) is not the
 * command's failure, so EPIPE on the process's own output is not an uncaught error event.
 */
function ignoreClosedReader(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  if (!quiet.has(stream)) {
    quiet.add(stream);
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
    });
  }
  return stream;
}

/** The process's own I/O (stdin is only touched when a command asks for confirmation). */
export function processIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: ignoreClosedReader(process.stdout),
    stderr: ignoreClosedReader(process.stderr),
    get stdin() {
      return process.stdin;
    },
  };
}

/** One line on `out`, as console.log writes it. */
export function println(out: NodeJS.WritableStream, text = ""): void {
  out.write(`${text}\n`);
}

/** Asks before a destructive command; `--yes` answers for scripts, and no terminal means no. */
export async function confirm(question: string, flags: Map<string, string | true>, io: CliIo): Promise<boolean> {
  if (flags.has("yes")) return true;
  if (!io.stdin.isTTY) throw new UsageError(`${question} Refusing without a terminal to ask on: add --yes`);
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
