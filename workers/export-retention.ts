/**
 * Export retention on the worker side: the supervisor's process prunes expired CSV exports every
 * hour (no extra process), and `npm run queue -- exports prune [--days N]` does it on demand.
 * The first prune waits 10 minutes: better-sqlite3 waits for a busy database synchronously, and
 * a supervisor must not stall while it starts its workers.
 */
import { closeDb, databaseUrlFromEnv, getDb, migrate, openDb } from "../lib/db/index";
import { openExportStorage, pruneExports, retentionDaysFromEnv } from "../lib/export/index";
import { println, UsageError, type CliIo } from "./cli-common";
import { log, logError } from "./log";

const EVERY_MS = 3_600_000;
const FIRST_AFTER_MS = 600_000;

export function startExportRetention(): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const prune = () => {
    running = (async () => {
      try {
        const r = await pruneExports(await getDb());
        if (r.rows || r.files || r.tmpFiles)
          log(`exports: removed ${r.rows} record(s), ${r.files} file(s) and ${r.tmpFiles} temp file(s) past retention`);
      } catch (e) {
        logError(`exports: retention prune failed: ${(e as Error).message}`, { err: e });
      }
    })();
  };
  let timer: NodeJS.Timeout = setTimeout(() => {
    prune();
    timer = setInterval(prune, EVERY_MS);
    timer.unref();
  }, FIRST_AFTER_MS);
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(timer);
      clearInterval(timer);
      await running;
      await closeDb();
    },
  };
}

/**
 * `exports prune [--days N]`, with the settings of `io.env`: a database connection of its own,
 * closed before it returns (not the process-wide one `work` uses).
 */
export async function pruneExportsCommand(
  positional: string[],
  flags: Map<string, string | true>,
  io: CliIo,
): Promise<number> {
  if (positional[0] !== "prune") throw new UsageError("Usage: npm run queue -- exports prune [--days N]");
  const raw = flags.get("days");
  const days = raw === undefined ? retentionDaysFromEnv(io.env) : Number(raw);
  if (!Number.isFinite(days) || days <= 0) throw new UsageError(`--days must be a positive number, got ${String(raw)}`);
  const storage = openExportStorage(io.env);
  const db = openDb(databaseUrlFromEnv(io.env), io.env);
  try {
    await migrate(db);
    const r = await pruneExports(db, { storage, retentionDays: days });
    println(
      io.stdout,
      `Removed ${r.rows} export record(s), ${r.files} file(s) and ${r.tmpFiles} temp file(s) older than ${days} day(s) from ${storage.location}.`,
    );
  } finally {
    storage.close();
    await db.destroy();
  }
  return 0;
}
