/**
 * The CLI's read and retry commands: thin printers over the admin API in lib/resque.
 */
import {
  getStats,
  listFailed,
  listQueues,
  listWorkers,
  retryAllFailed,
  retryFailed,
  type Connection,
  type FailedFilter,
} from "../lib/resque/index";

import { println, UsageError } from "./cli-common";
import { workerProcesses } from "../lib/format";

type Flags = Map<string, string | true>;
type Out = NodeJS.WritableStream;

const ago = (ms: number | null | undefined) => {
  if (ms == null) return "?";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `status [--json]`: queues with sizes, workers with what they are doing, failed count. */
export async function printStatus(conn: Connection, json: boolean, out: Out): Promise<void> {
  const [stats, queues, workers] = await Promise.all([getStats(conn), listQueues(conn), listWorkers(conn)]);
  // A queue key of another Redis type: workers skip it, so it never drains on its own.
  const problems = queues
    .filter((q) => q.keyType)
    .map((q) => `queue ${q.name}: key is a ${q.keyType}, not a list; workers skip it (fix or remove the key)`);
  if (json) {
    const processes = workerProcesses(workers).map((p) => ({
      host: p.host,
      pid: p.pid,
      slots: p.slots.length,
      busy: p.busy,
      free: p.free,
    }));
    println(out, JSON.stringify({ stats, queues, workers, processes, problems }, null, 2));
    return;
  }
  println(
    out,
    `processed ${stats.processed} · failed ${stats.failedListLength} in the failed list (${stats.failed} ever) · pending ${stats.pending} · workers ${stats.workers} (${stats.working} working)`,
  );
  println(out);
  if (queues.length === 0) println(out, "No queues.");
  else
    println(
      out,
      table([
        ["QUEUE", "SIZE", "LATENCY", "STATE"],
        ...queues.map((q) => [
          q.name,
          String(q.size),
          q.latencySec == null ? "-" : `${q.latencySec.toFixed(1)}s`,
          q.keyType ? `PROBLEM: ${q.keyType} key` : q.paused ? "paused" : "",
        ]),
      ]),
    );
  if (problems.length) {
    println(out);
    println(out, `Problems (${problems.length}):`);
    for (const p of problems) println(out, `  ${p}`);
  }
  println(out);
  const multi = workerProcesses(workers).filter((p) => p.slots.length > 1);
  if (multi.length) {
    println(
      out,
      table([
        ["PROCESS", "SLOTS", "BUSY", "FREE"],
        ...multi.map((p) => [`${p.host}:${p.pid}`, String(p.slots.length), String(p.busy), String(p.free)]),
      ]),
    );
    println(out);
  }
  if (workers.length === 0) println(out, "No workers.");
  else
    println(
      out,
      table([
        ["WORKER", "LIVENESS", "DOING", "PROCESSED", "FAILED"],
        ...workers.map((w) => [
          w.id,
          w.liveness,
          w.job ? `${w.job.payload.displayClass ?? "?"} on ${w.job.queue} since ${ago(w.job.runAt.ms)}` : "idle",
          String(w.processed),
          String(w.failed),
        ]),
      ]),
    );
}

function filterFrom(flags: Flags): FailedFilter {
  const f: FailedFilter = {};
  for (const k of ["queue", "class", "exception", "text"] as const) {
    const v = flags.get(k);
    if (typeof v === "string") f[k] = v;
  }
  return f;
}

/** `failed [--json] [--page N] [filters]`: newest first. */
export async function printFailed(conn: Connection, flags: Flags, out: Out): Promise<void> {
  const page = Number(flags.get("page") ?? 1);
  const perPage = Number(flags.get("per-page") ?? 20);
  const result = await listFailed(conn, { page, perPage, filter: filterFrom(flags) });
  if (flags.has("json")) {
    println(out, JSON.stringify(result, null, 2));
    return;
  }
  if (result.total === 0) {
    println(out, "No failed jobs.");
    return;
  }
  const first = (result.page - 1) * result.perPage + 1;
  println(out, `Failed jobs ${first}–${first + result.items.length - 1} of ${result.total} (newest first)\n`);
  println(
    out,
    table([
      ["ID", "WHEN", "QUEUE", "CLASS", "ERROR"],
      ...result.items.map((f) => [
        f.id,
        ago(f.failedAt.ms),
        f.queue,
        f.payload.displayClass ?? "?",
        `${f.exception}: ${f.error}`.slice(0, 80),
      ]),
    ]),
  );
}

/** `retry <id…> | --all [--keep]`: exit code 1 when some ids were skipped. */
export async function retryCommand(conn: Connection, ids: string[], flags: Flags, out: Out): Promise<number> {
  const remove = !flags.has("keep");
  if (!flags.has("all") && ids.length === 0)
    throw new UsageError("Name the failed job ids to retry (see `failed`), or use --all");
  const r = flags.has("all")
    ? await retryAllFailed(conn, filterFrom(flags), { remove })
    : await retryFailed(conn, ids, { remove });
  println(
    out,
    `${r.retried} job(s) retried${remove ? " and removed from the failed list" : ""}${r.skipped.length ? `, ${r.skipped.length} skipped` : ""}.`,
  );
  for (const s of r.skipped) println(out, `  skipped ${s.id}: ${s.reason}`);
  return r.skipped.length ? 1 : 0;
}
