"use server";

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
import type { Translate } from "@/lib/i18n";
import { auditedAction } from "../../action";
import type { ActionResult } from "@/lib/dashboard/action-result";

/** Every queue action: the audited-action shape plus a valid queue name and one engine call. */
function queueAction(
  action: string,
  queue: string | null,
  items: string[] | undefined,
  perform: (conn: Connection, t: Translate) => Promise<ActionResult>,
  validInput = true,
): Promise<ActionResult> {
  return auditedAction({
    action,
    target: queue,
    items,
    validate: (t) => {
      if (!validInput) return t("action.failed", { error: "bad job" });
      if (queue === null) return null;
      try {
        assertQueueName(queue);
        return null;
      } catch {
        return t("action.invalidQueue");
      }
    },
    perform: (t) => perform(getConnection(), t),
    revalidate: ["/queues"],
  });
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
  const valid = typeof raw === "string" && raw.length > 0 && raw.length <= 1 << 20;
  return queueAction(
    "queue.remove_job",
    queue,
    valid ? [raw.slice(0, 500)] : undefined,
    async (conn, t) => {
      const removed = await removeQueuedJob(conn, queue, raw);
      return removed
        ? { ok: true, message: t("action.removedJob", { queue }) }
        : { ok: false, message: t("action.jobGone", { queue }) };
    },
    valid,
  );
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
