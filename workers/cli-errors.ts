/** Errors the CLI prints as one line: usage mistakes exit with 2, everything else with 1. */
export class UsageError extends Error {}
export class CliError extends Error {}
