/**
 * The runs of LogRunJob (tests/helpers/test-jobs.mjs), read back from the file it appends
 * "n startedMs endedMs" to (TEST_RUN_LOG): a record outside Redis, so it survives a failover that
 * loses Redis's last writes, and "lost" or "ran twice" is the system's doing, not the record's.
 * The failover files (Sentinel, Cluster) number their jobs and count by number; the failover and
 * cluster benches read their FailoverJob's log (bench/lib/failover-jobs.mjs, same lines) here too.
 */
import { existsSync, readFileSync } from "node:fs";

export interface Run {
  n: number;
  start: number;
  end: number;
}

export interface Runs {
  /** Runs per job number. */
  count: Map<number, number>;
  /** Every run, in the order the file holds them. */
  list: Run[];
}

/** Every run logged so far (none when the file does not exist yet). */
export function readRuns(file: string): Runs {
  const count = new Map<number, number>();
  const list: Run[] = [];
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [n, start, end] = line.split(" ").map(Number) as [number, number, number];
    count.set(n, (count.get(n) ?? 0) + 1);
    list.push({ n, start, end });
  }
  return { count, list };
}

/** Jobs numbered from..to-1: how many never ran, how many ran twice or more, the most runs of one. */
export function tallyRuns(file: string, from: number, to: number): { lost: number; twice: number; most: number } {
  const { count } = readRuns(file);
  let lost = 0;
  let twice = 0;
  let most = 0;
  for (let n = from; n < to; n++) {
    const c = count.get(n) ?? 0;
    if (c === 0) lost++;
    if (c >= 2) twice++;
    most = Math.max(most, c);
  }
  return { lost, twice, most };
}

/** Ms from `promotedAt` to the end of the first run that started after it (a job reserved on the new primary). */
export function resumeMs(file: string, promotedAt: number): number | undefined {
  const after = readRuns(file).list.filter((r) => r.start >= promotedAt);
  return after.length ? Math.min(...after.map((r) => r.end)) - promotedAt : undefined;
}

/** `count` LogRunJob specs for `queue`, numbered from `from`, in batches of `batch` (one enqueueMany each). */
export function numberedBatches(
  queue: string,
  from: number,
  count: number,
  args: Record<string, unknown>,
  batch: number,
): { queue: string; class: string; args: Record<string, unknown> }[][] {
  const batches = [];
  for (let i = 0; i < count; i += batch) {
    const specs = [];
    for (let n = from + i; n < Math.min(from + count, from + i + batch); n++)
      specs.push({ queue, class: "LogRunJob", args: { n, ...args } });
    batches.push(specs);
  }
  return batches;
}
