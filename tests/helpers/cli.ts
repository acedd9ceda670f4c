/**
 * Runs a one-shot CLI command inside the test process: `main(argv, io)` from workers/cli.ts
 * with the test's environment and output collected, instead of a new Node process per command
 * (about 0.6 s each here). `work`, `scheduler`, signals and `restart` keep running as real
 * processes through ./processes.ts, and so do a few smoke tests of the bundle's entry.
 */
import { Readable, Writable } from "node:stream";
import { main } from "../../workers/cli";
import { ROOT } from "./processes";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it, synchronously. */
function collector(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      done();
    },
  });
  return { stream, text: () => text };
}

export interface InProcessOptions {
  /** Working directory for `.env` files and a relative APP_INCLUDE (default: the repository). */
  cwd?: string;
  /** What stdin holds (as runCli's `input`). */
  input?: string;
  /** Make stdin a terminal, so `clear` asks its question instead of refusing. */
  tty?: boolean;
}

/** `runCli`'s counterpart: the same `{ code, stdout, stderr }`, without a process. */
export async function runCliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: InProcessOptions = {},
): Promise<CliResult> {
  const out = collector();
  const err = collector();
  const stdin = Object.assign(Readable.from(opts.input === undefined ? [] : [opts.input]), { isTTY: opts.tty });
  const code = await main(args, { env, cwd: opts.cwd ?? ROOT, stdout: out.stream, stderr: err.stream, stdin });
  return { code, stdout: out.text(), stderr: err.text() };
}
