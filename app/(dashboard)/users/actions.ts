"use server";

import { z } from "zod";
import { findMissingIds, getDb, getUsersByIds, listForMessage } from "@/lib/db";
import { SendEmailJob } from "@/jobs/send-email-job";
import { SendNotificationJob } from "@/jobs/send-notification-job";
import { emailSubject, userIds, userMessage } from "@/lib/dashboard/demo-schemas";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { Translate } from "@/lib/i18n";
import { dashboardAction, type Answer } from "../../action";

/**
 * One batch action over selected users: unknown ids are refused by name (one query), then one job
 * per user is enqueued in a single pipelined round trip. The registry validates every job's args
 * before anything is stored, so a bad one stores none.
 */
async function sendToUsers(
  t: Translate,
  ids: number[],
  specs: () => Promise<{ class: typeof SendNotificationJob | typeof SendEmailJob; args: unknown }[]>,
): Promise<Answer> {
  const missing = await findMissingIds(await getDb(), "users", ids);
  if (missing.length) return { code: "invalid", message: t("demo.users.unknown", { ids: listForMessage(missing) }) };
  const jobs = await queueClient().enqueueMany(await specs());
  return { code: "ok", message: t("demo.notify.queued", { count: jobs.length }) };
}

/** The PHP original's "Send notification": one SendNotificationJob per selected user. */
export const sendNotificationAction = dashboardAction({
  action: "demo.users.notify",
  input: z.tuple([userIds, userMessage]),
  audit: ([ids]) => ({ items: ids }),
  perform: ([ids, message], { t }) =>
    sendToUsers(t, ids, async () => ids.map((user_id) => ({ class: SendNotificationJob, args: { user_id, message } }))),
});

/** "Send e-mail": one SendEmailJob per selected user, to the address on file. */
export const sendEmailAction = dashboardAction({
  action: "demo.users.email",
  input: z.tuple([userIds, userMessage, emailSubject]),
  audit: ([ids]) => ({ items: ids }),
  perform: ([ids, message, subject], { t }) =>
    sendToUsers(t, ids, async () => {
      const users = await getUsersByIds(await getDb(), ids);
      return users.map((u) => ({ class: SendEmailJob, args: { to: u.email, subject, body: message } }));
    }),
});
