"use server";

import { getConnection } from "@/lib/redis";
import { pruneWorker } from "@/lib/resque/index";
import { auditedAction } from "../../action";
import type { ActionResult } from "@/lib/dashboard/action-result";

/** Worker ids are `host:pid:queues` (or node-resque's `host:pid`): printable, no spaces, bounded. */
const WORKER_ID = /^[^\s]{1,1000}$/;

/**
 * Removes a worker's registration by hand (the dashboard never prunes on its own); its in-flight
 * job, if any, becomes a dirty-exit failure (or goes back to its queue for rerun-on-dirty-exit classes).
 */
export async function pruneWorkerAction(id: string): Promise<ActionResult> {
  return auditedAction({
    action: "worker.prune",
    target: typeof id === "string" ? id.slice(0, 1000) : null,
    validate: (t) =>
      typeof id !== "string" || !WORKER_ID.test(id) || id.split(":").length < 2 ? t("action.invalidWorker") : null,
    perform: async (t) => {
      const r = await pruneWorker(getConnection(), id);
      return r.job === "none"
        ? { ok: true, message: t("action.pruned", { id }) }
        : { ok: true, message: t("action.prunedJob", { id, class: r.className ?? "?", outcome: r.job }) };
    },
    revalidate: ["/workers"],
  });
}
