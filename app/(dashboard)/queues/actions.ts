"use server";

import { revalidatePath } from "next/cache";
import { getDb, recordAudit, type AuditInput } from "@/lib/db";
import { getConnection } from "@/lib/redis";
import {
  assertQueueName,
  clearQueue,
  pauseAllWorkers,
  pauseQueue,
  removeQueue,
  removeQueuedJob,
  resumeAllWorkers,
  resumeQueue,
  type Connection,
} from "@/lib/resque/index";
import type { ActionResult } from "@/components/resque/confirm-button";
import { clientIp, writeSessionOrNull } from "../../auth";
import { getTranslator } from "../../locale";

type T = Awaited<ReturnType<typeof getTranslator>>["t"];

/**
 * The shared shape of every queue action, Sidekiq-route style: check the session (a viewer is
 * refused, also when the action is replayed directly), validate the queue name, make one engine
 * call, write the audit entry, revalidate, and answer with a message for the UI.
 */
async function queueAction(
  action: string,
  queue: string | null,
  items: string[] | undefined,
  perform: (conn: Connection, t: T) => Promise<ActionResult>,
): Promise<ActionResult> {
  const { t } = await getTranslator();
  const session = await writeSessionOrNull();
  if (!session) return { ok: false, message: t("action.refused") };
  if (queue !== null) {
    try {
      assertQueueName(queue);
    } catch {
      return { ok: false, message: t("action.invalidQueue") };
    }
  }
  const actor = { id: session.admin.id, email: session.admin.email };
  let result: ActionResult;
  try {
    result = await perform(getConnection(), t);
  } catch (e) {
    const error = (e as Error).message;
    await recordAuditSafe({ actor, action, target: queue ?? undefined, items, result: "error", detail: error });
    return { ok: false, message: t("action.failed", { error }) };
  }
  await recordAuditSafe({ actor, action, target: queue ?? undefined, items, result: result.ok ? "ok" : "error", detail: result.message });
  revalidatePath("/queues", "layout");
  return result;
}

async function recordAuditSafe(entry: AuditInput): Promise<void> {
  await recordAudit(await getDb(), { ...entry, ip: await clientIp() });
}

export async function pauseQueueAction(queue: string): Promise<ActionResult> {
  return queueAction("queue.pause", queue, undefined, async (conn, t) => {
    await pauseQueue(conn, queue);
    return { ok: true, message: t("action.paused", { queue }) };
  });
}

export async function resumeQueueAction(queue: string): Promise<ActionResult> {
  return queueAction("queue.resume", queue, undefined, async (conn, t) => {
    await resumeQueue(conn, queue);
    return { ok: true, message: t("action.resumed", { queue }) };
  });
}

export async function pauseAllWorkersAction(): Promise<ActionResult> {
  return queueAction("workers.pause_all", null, undefined, async (conn, t) => {
    await pauseAllWorkers(conn);
    return { ok: true, message: t("action.pausedAll") };
  });
}

export async function resumeAllWorkersAction(): Promise<ActionResult> {
  return queueAction("workers.resume_all", null, undefined, async (conn, t) => {
    await resumeAllWorkers(conn);
    return { ok: true, message: t("action.resumedAll") };
  });
}

/** Removes one pending job by its exact stored bytes (never a re-serialized copy). */
export async function removeQueuedJobAction(queue: string, raw: string): Promise<ActionResult> {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 1 << 20) {
    const { t } = await getTranslator();
    return { ok: false, message: t("action.failed", { error: "bad job" }) };
  }
  return queueAction("queue.remove_job", queue, [raw.slice(0, 500)], async (conn, t) => {
    const removed = await removeQueuedJob(conn, queue, raw);
    return removed ? { ok: true, message: t("action.removedJob", { queue }) } : { ok: false, message: t("action.jobGone", { queue }) };
  });
}

export async function clearQueueAction(queue: string): Promise<ActionResult> {
  return queueAction("queue.clear", queue, undefined, async (conn, t) => {
    const count = await clearQueue(conn, queue);
    return { ok: true, message: t("action.cleared", { queue, count }) };
  });
}

export async function removeQueueAction(queue: string): Promise<ActionResult> {
  return queueAction("queue.remove", queue, undefined, async (conn, t) => {
    await removeQueue(conn, queue);
    return { ok: true, message: t("action.removedQueue", { queue }) };
  });
}
