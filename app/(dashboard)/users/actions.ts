"use server";

import { z } from "zod";
import { findMissingIds, getDb, getUsersByIds, listForMessage, MAX_MESSAGE_LENGTH, parseIds } from "@/lib/db";
import { SendEmailJob } from "@/jobs/send-email-job";
import { SendNotificationJob } from "@/jobs/send-notification-job";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { Translate } from "@/lib/i18n";
import { checked, dashboardAction, keyed, type Answer } from "../../action";

/** The selected users: an empty selection answers the PHP original's 请选择要发送的用户. */
const userIds = checked((v) => parseIds(v, { emptyKey: "demo.users.noneSelected" }));
const message = z
  .string({ error: "demo.message.required" })
  .trim()
  .min(1, { error: "demo.message.required" })
  .refine((m) => m.length <= MAX_MESSAGE_LENGTH, {
    error: "demo.message.tooLong",
    params: { max: MAX_MESSAGE_LENGTH },
  });
const MAX_SUBJECT_LENGTH = 200;
/** Absent or empty means the default subject; a line break would be a header injection attempt. */
const subject = keyed(
  z
    .string()
    .trim()
    .max(MAX_SUBJECT_LENGTH)
    .regex(/^\P{Cc}*$/u)
    .nullish(),
  "demo.subject.invalid",
  { max: MAX_SUBJECT_LENGTH },
).transform((s) => s || "Resque Admin");

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
  input: z.tuple([userIds, message]),
  audit: ([ids]) => ({ items: ids }),
  perform: ([ids, message], { t }) =>
    sendToUsers(t, ids, async () => ids.map((user_id) => ({ class: SendNotificationJob, args: { user_id, message } }))),
});

/** "Send e-mail": one SendEmailJob per selected user, to the address on file. */
export const sendEmailAction = dashboardAction({
  action: "demo.users.email",
  input: z.tuple([userIds, message, subject]),
  audit: ([ids]) => ({ items: ids }),
  perform: ([ids, message, subject], { t }) =>
    sendToUsers(t, ids, async () => {
      const users = await getUsersByIds(await getDb(), ids);
      return users.map((u) => ({ class: SendEmailJob, args: { to: u.email, subject, body: message } }));
    }),
});
