"use server";

import { z } from "zod";
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
} from "@/lib/resque/index";
import { dashboardAction, sentence, storedEntry } from "../../action";

function isQueueName(name: string): boolean {
  try {
    assertQueueName(name);
    return true;
  } catch {
    return false;
  }
}

/** A queue name as the engine accepts it. */
const queueName = z.string({ error: "action.invalidQueue" }).refine(isQueueName, { error: "action.invalidQueue" });
/** The entry to act on: its stored text or the page's ref (lib/dashboard/action-schema.ts). */
const jobBytes = storedEntry("bad job");

export const pauseQueueAction = dashboardAction({
  action: "queue.pause",
  input: z.tuple([queueName]),
  audit: ([queue]) => ({ target: queue }),
  perform: async ([queue], { t }) => {
    await pauseQueue(getConnection(), queue);
    return { code: "ok", message: t("action.paused", { queue }) };
  },
});

export const resumeQueueAction = dashboardAction({
  action: "queue.resume",
  input: z.tuple([queueName]),
  audit: ([queue]) => ({ target: queue }),
  perform: async ([queue], { t }) => {
    await resumeQueue(getConnection(), queue);
    return { code: "ok", message: t("action.resumed", { queue }) };
  },
});

export const pauseAllWorkersAction = dashboardAction({
  action: "workers.pause_all",
  input: z.tuple([]),
  perform: async (_, { t }) => {
    await pauseAllWorkers(getConnection());
    return { code: "ok", message: t("action.pausedAll") };
  },
});

export const resumeAllWorkersAction = dashboardAction({
  action: "workers.resume_all",
  input: z.tuple([]),
  perform: async (_, { t }) => {
    await resumeAllWorkers(getConnection());
    return { code: "ok", message: t("action.resumedAll") };
  },
});

/** Removes one pending job by its exact stored bytes; a job already taken or removed is said so. */
export const removeQueuedJobAction = dashboardAction({
  action: "queue.remove_job",
  input: z.tuple([queueName, jobBytes]),
  audit: ([queue, job]) => ({ target: queue, items: [typeof job === "string" ? job.slice(0, 500) : job.ref] }),
  // A bad job is answered before a bad queue name.
  invalid: (issues, t) => ({
    code: "invalid",
    message: sentence(t, issues.find((i) => i.path[0] === 1) ?? issues[0]!),
  }),
  perform: async ([queue, job], { t }) =>
    (await removeQueuedJob(getConnection(), queue, job))
      ? { code: "ok", message: t("action.removedJob", { queue }) }
      : { code: "stale", message: t("action.jobGone", { queue }) },
});

export const clearQueueAction = dashboardAction({
  action: "queue.clear",
  input: z.tuple([queueName]),
  audit: ([queue]) => ({ target: queue }),
  perform: async ([queue], { t }) => {
    const count = await clearQueue(getConnection(), queue);
    return { code: "ok", message: t("action.cleared", { queue, count }) };
  },
});

export const removeQueueAction = dashboardAction({
  action: "queue.remove",
  input: z.tuple([queueName]),
  audit: ([queue]) => ({ target: queue }),
  perform: async ([queue], { t }) => {
    await removeQueue(getConnection(), queue);
    return { code: "ok", message: t("action.removedQueue", { queue }) };
  },
});
