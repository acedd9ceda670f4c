"use server";

import { z } from "zod";
import { getConnection } from "@/lib/redis";
import { pruneWorker } from "@/lib/resque/index";
import { dashboardAction } from "../../action";

/**
 * A worker id as registered: usually `host:pid:queues`, but any client may register any string
 * (a space from a hostname, a node-resque custom name), and a registered worker must be
 * prunable by its raw id. Bounded, and never empty.
 */
const workerId = z
  .string({ error: "action.invalidWorker" })
  .min(1, { error: "action.invalidWorker" })
  .max(1000, { error: "action.invalidWorker" });

/**
 * Removes a worker's registration by hand (the dashboard never prunes on its own); its in-flight
 * job, if any, becomes a dirty-exit failure (or goes back to its queue for rerun-on-dirty-exit classes).
 */
export const pruneWorkerAction = dashboardAction({
  action: "worker.prune",
  input: z.tuple([workerId]),
  audit: ([id]) => ({ target: id }),
  perform: async ([id], { t }) => {
    const r = await pruneWorker(getConnection(), id);
    return r.job === "none"
      ? { code: "ok", message: t("action.pruned", { id }) }
      : { code: "ok", message: t("action.prunedJob", { id, class: r.className ?? "?", outcome: r.job }) };
  },
});
