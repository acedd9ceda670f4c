"use server";

import { z } from "zod";
import { getDb, getExport, requeueExport, setExportJobId } from "@/lib/db";
import { BatchExportJob } from "@/jobs/batch-export-job";
import { exportId } from "@/lib/dashboard/demo-schemas";
import { queueClient } from "@/lib/dashboard/queue-client";
import { getConnection } from "@/lib/redis";
import { removeAllFailed } from "@/lib/resque/index";
import { dashboardAction } from "../../action";

/**
 * A failed export's retry button: the record back to queued (only if it is still failed, so a
 * double click enqueues once), and a fresh BatchExportJob for it. The failed job's record leaves
 * the Failed list, as a retry from there would: otherwise the failure shows as pending in two
 * places after it was dealt with. It is found by the job's id (a random hex string) in one
 * in-Redis scan of the list.
 */
export const retryExportAction = dashboardAction({
  action: "demo.export.retry",
  input: z.tuple([exportId]),
  audit: ([id]) => ({ target: String(id) }),
  perform: async ([id], { t }) => {
    const db = await getDb();
    const record = await requeueExport(db, id);
    if (!record)
      return (await getExport(db, id))
        ? { code: "conflict", message: t("demo.exports.notFailed", { id }) }
        : { code: "stale", message: t("demo.exports.notFound", { id }) };
    const job = await queueClient().enqueue(BatchExportJob.queue, BatchExportJob, {
      export_id: id,
      ...(record.adminId ? { user_id: record.adminId } : {}),
    });
    await setExportJobId(db, id, job.id ?? null);
    const failedJob = record.jobId && /^[0-9a-f]{16,}$/.test(record.jobId) ? record.jobId : null;
    const cleared = failedJob
      ? (await removeAllFailed(getConnection(), { class: BatchExportJob.names[0], text: failedJob })).removed
      : 0;
    return { code: "ok", message: t(cleared ? "demo.exports.retriedCleared" : "demo.exports.retried", { id }) };
  },
});
