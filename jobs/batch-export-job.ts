import { z } from "zod";
import { BaseJob, DoNotRetryError } from "../lib/resque/index";
import type { ExportRecord, ExportSelection } from "../lib/db/index";
import { jobKey, phpId } from "./job-args";
import { NotifyJob } from "./notify-job";

const schema = z.looseObject({
  /** The dashboard account that asked; it gets the NotifyJob. */
  user_id: phpId.optional(),
  /** The record the dashboard created; php producers leave it out and one is created here. */
  export_id: phpId.optional(),
  /** Product filters (`q`, `category`, `status`, `priceMin`, `priceMax`, `sort`); php's empty `[]` too. */
  filters: z.union([z.record(z.string(), z.unknown()), z.array(z.never()).max(0)]).optional(),
  /** Selected product ids instead of filters. */
  ids: z.array(phpId).min(1).max(100_000).optional(),
});

/** Runs of one export that may start before it is given up: each extra one followed a killed worker. */
export const MAX_EXPORT_RUNS = 3;

/**
 * The seed's `Common\Job\BatchExportJob`: `{user_id, filters}` → a CSV of the matching products
 * in the export folder, then a `NotifyJob` to the admin with `导出完成: <file>` and the download
 * URL, as the seed does. The file appears only when complete (see lib/export/product-export.ts).
 *
 * Safe to run again: a run interrupted by a killed worker goes back to the queue and starts the
 * file over (its temp file is removed). After MAX_EXPORT_RUNS interrupted runs the export is
 * marked failed instead, so an export that kills its worker (out of memory) cannot loop forever.
 */
export class BatchExportJob extends BaseJob<z.input<typeof schema>> {
  static names = ["Common\\Job\\BatchExportJob", "BatchExportJob"];
  static queue = "export";
  static schema = schema;
  static rerunOnDirtyExit = true;
  /** CPU-bound (query, CSV, file): one per process, so the other slots keep sending mail. */
  static concurrency = 1;

  async perform() {
    const args = schema.parse(this.args);
    const { exportDownloadUrl, failExport, finishExport, getDb } = await import("../lib/db/index");
    const { runProductExport } = await import("../lib/export/index");
    const db = await getDb();
    const key = jobKey(this.job);
    const record = await this.record(args, key);
    if (record.status === "done")
      return { exportId: record.id, file: record.file, rows: record.rowsWritten, skipped: "already done" };
    if (record.status === "running" && record.attempts >= MAX_EXPORT_RUNS) {
      const message = `Export ${record.id} was interrupted ${record.attempts} times (its worker died each time); not starting it again`;
      await failExport(db, record.id, message);
      throw new DoNotRetryError(message);
    }
    let result;
    try {
      result = await runProductExport({ db, exportId: record.id, selection: record.selection, jobId: key });
      await finishExport(db, record.id, { file: result.file, sizeBytes: result.sizeBytes, rowsWritten: result.rows });
    } catch (e) {
      await failExport(db, record.id, (e as Error).message).catch(() => undefined);
      throw e;
    }
    const adminId = record.adminId ?? args.user_id;
    if (adminId !== undefined) {
      await this.job.resque.enqueue("notification", NotifyJob, {
        user_id: adminId,
        message: `导出完成: ${result.file}`,
        download_url: exportDownloadUrl(result.file),
        export_id: record.id,
      });
    }
    return { exportId: record.id, file: result.file, rows: result.rows };
  }

  /** The export's record: the one named by export_id, the one an earlier run of this job made, or a new one. */
  private async record(args: z.output<typeof schema>, key: string): Promise<ExportRecord> {
    const { createExport, describeInvalid, findExportByJobId, getDb, getExport, parseProductFilter } =
      await import("../lib/db/index");
    const db = await getDb();
    if (args.export_id !== undefined) {
      const found = await getExport(db, args.export_id);
      if (!found) throw new DoNotRetryError(`There is no export with id ${args.export_id}`);
      return found;
    }
    const earlier = await findExportByJobId(db, key);
    if (earlier) return earlier;
    let selection: ExportSelection;
    if (args.ids) selection = { ids: args.ids };
    else {
      const parsed = parseProductFilter(Array.isArray(args.filters) ? {} : args.filters);
      if (!parsed.ok) throw new DoNotRetryError(`Invalid filters: ${describeInvalid(parsed.fieldErrors)}`);
      selection = { filter: parsed.value };
    }
    return createExport(db, { admin: args.user_id !== undefined ? { id: args.user_id } : null, selection, jobId: key });
  }
}
