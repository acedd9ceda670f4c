"use server";

import { getDb, getExport, requeueExport, setExportJobId, shownId } from "@/lib/db";
import { BatchExportJob } from "@/jobs/batch-export-job";
import { auditedAction } from "../../action";
import { queueClient } from "@/lib/dashboard/queue-client";
import { getConnection } from "@/lib/redis";
import { removeAllFailed } from "@/lib/resque/index";
import type { ActionResult } from "@/lib/dashboard/action-result";

/**
 * A failed export's retry button: the record back to queued (only if it is still failed, so a
 * double click enqueues once), and a fresh BatchExportJob for it. The failed job's record leaves
 * the Failed list, as a retry from there would: otherwise the failure shows as pending in two
 * places after it was dealt with. It is found by the job's id (a random hex string) in one
 * in-Redis scan of the list.
 */
export async function retryExportAction(id: unknown): Promise<ActionResult> {
  const valid = typeof id === "number" && Number.isSafeInteger(id) && id > 0;
  return auditedAction({
    action: "demo.export.retry",
    target: valid ? String(id) : null,
    validate: (t) => (valid ? null : t("demo.ids.malformed", { ids: shownId(id) })),
    perform: async (t) => {
      const db = await getDb();
      const n = id as number;
      const record = await requeueExport(db, n);
      if (!record) {
        const now = await getExport(db, n);
        return {
          ok: false,
          message: now ? t("demo.exports.notFailed", { id: n }) : t("demo.exports.notFound", { id: n }),
        };
      }
      const job = await queueClient().enqueue(BatchExportJob.queue, BatchExportJob, {
        export_id: n,
        ...(record.adminId ? { user_id: record.adminId } : {}),
      });
      await setExportJobId(db, n, job.id ?? null);
      const failedJob = record.jobId && /^[0-9a-f]{16,}$/.test(record.jobId) ? record.jobId : null;
      const cleared = failedJob
        ? (await removeAllFailed(getConnection(), { class: BatchExportJob.names[0], text: failedJob })).removed
        : 0;
      return { ok: true, message: t(cleared ? "demo.exports.retriedCleared" : "demo.exports.retried", { id: n }) };
    },
    revalidate: ["/exports"],
  });
}
