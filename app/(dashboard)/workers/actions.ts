"use server";

import { revalidatePath } from "next/cache";
import { getDb, recordAudit } from "@/lib/db";
import { getConnection } from "@/lib/redis";
import { pruneWorker } from "@/lib/resque/index";
import type { ActionResult } from "@/components/resque/confirm-button";
import { clientIp, writeSessionOrNull } from "../../auth";
import { getTranslator } from "../../locale";

/** Worker ids are `host:pid:queues` (or node-resque's `host:pid`): printable, no spaces, bounded. */
const WORKER_ID = /^[^\s]{1,1000}$/;

/**
 * Removes a worker's registration by hand (the dashboard never prunes on its own); its in-flight
 * job, if any, becomes a dirty-exit failure (or goes back to its queue for rerun-on-dirty-exit classes).
 */
export async function pruneWorkerAction(id: string): Promise<ActionResult> {
  const { t } = await getTranslator();
  const session = await writeSessionOrNull();
  if (!session) return { ok: false, message: t("action.refused") };
  if (typeof id !== "string" || !WORKER_ID.test(id) || id.split(":").length < 2) return { ok: false, message: t("action.invalidWorker") };
  const actor = { id: session.admin.id, email: session.admin.email };
  const ip = await clientIp();
  let result: ActionResult;
  try {
    const r = await pruneWorker(getConnection(), id);
    result =
      r.job === "none"
        ? { ok: true, message: t("action.pruned", { id }) }
        : { ok: true, message: t("action.prunedJob", { id, class: r.className ?? "?", outcome: r.job }) };
  } catch (e) {
    const error = (e as Error).message;
    await recordAudit(await getDb(), { actor, action: "worker.prune", target: id, result: "error", detail: error, ip });
    return { ok: false, message: t("action.failed", { error }) };
  }
  await recordAudit(await getDb(), { actor, action: "worker.prune", target: id, result: "ok", detail: result.message, ip });
  revalidatePath("/workers");
  return result;
}
