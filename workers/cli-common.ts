/** What the CLI commands share: one-line errors and the confirmation prompt. */
import { createInterface } from "node:readline/promises";

/** Errors the CLI prints as one line: usage mistakes exit with 2, everything else with 1. */
export class UsageError extends Error {}
export class CliError extends Error {}

/** Asks before a destructive command; `--yes` answers for scripts, and no terminal means no. */
export async function confirm(question: string, flags: Map<string, string | true>): Promise<boolean> {
  if (flags.has("yes")) return true;
  if (!process.stdin.isTTY) throw new UsageError(`${question} Refusing without a terminal to ask on: add --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
