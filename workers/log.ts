/** One line per event, timestamped, on stdout: the supervisor's and workers' log. */
export function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}
