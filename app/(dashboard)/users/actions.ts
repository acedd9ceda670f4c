"use server";

import { z } from "zod";
import { findMissingIds, getDb, getUsersByIds, listForMessage, MAX_MESSAGE_LENGTH, parseIds } from "@/lib/db";
import { SendEmailJob } from "@/jobs/send-email-job";
import { SendNotificationJob } from "@/jobs/send-notification-job";
import type { Translate } from "@/lib/i18n";
import { auditedAction } from "../../action";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { ActionResult } from "@/lib/dashboard/action-result";

const message = z.string().trim().min(1, "demo.message.required").max(MAX_MESSAGE_LENGTH, "demo.message.tooLong");
const MAX_SUBJECT_LENGTH = 200;
/** Absent or empty means the default subject; a line break would be a header injection attempt. */
const subjectField = z
  .string()
  .trim()
  .max(MAX_SUBJECT_LENGTH)
  .regex(/^\P{Cc}*$/u)
  .nullish();

/** Ids and message checked without the database; a sentence for the first problem, else the values. */
function checkInput(t: Translate, ids: unknown, text: unknown): string | { ids: number[]; message: string } {
  const parsed = parseIds(ids, { emptyKey: "demo.users.noneSelected" });
  if (!parsed.ok) {
    const p = parsed.fieldErrors.ids!;
    return t(p.key, p.values);
  }
  const m = message.safeParse(text);
  if (!m.success) {
    const key =
      m.error.issues[0]!.message === "demo.message.tooLong" ? "demo.message.tooLong" : "demo.message.required";
    return t(key, { max: MAX_MESSAGE_LENGTH });
  }
  return { ids: parsed.value, message: m.data };
}

/**
 * One batch action over selected users: validate, refuse unknown ids by name (one query), then
 * enqueue one job per user in a single pipelined round trip. The registry validates every job's
 * args before anything is stored, so a bad one stores none.
 */
function sendToUsers(
  action: string,
  rawIds: unknown,
  text: unknown,
  specs: (
    ids: number[],
    message: string,
  ) => Promise<{ class: typeof SendNotificationJob | typeof SendEmailJob; args: unknown }[]>,
  checkMore: (t: Translate) => string | null = () => null,
): Promise<ActionResult> {
  let input: ReturnType<typeof checkInput> = "";
  return auditedAction({
    action,
    items: Array.isArray(rawIds) ? rawIds.slice(0, 1000).map(String) : undefined,
    validate: (t) => {
      input = checkInput(t, rawIds, text);
      return typeof input === "string" ? input : checkMore(t);
    },
    perform: async (t) => {
      const { ids, message } = input as Exclude<typeof input, string>;
      const missing = await findMissingIds(await getDb(), "users", ids);
      if (missing.length) return { ok: false, message: t("demo.users.unknown", { ids: listForMessage(missing) }) };
      const jobs = await queueClient().enqueueMany(await specs(ids, message));
      return { ok: true, message: t("demo.notify.queued", { count: jobs.length }) };
    },
    revalidate: ["/queues"],
  });
}

/** The PHP original's "Send notification": one SendNotificationJob per selected user. */
export async function sendNotificationAction(ids: unknown, text: unknown): Promise<ActionResult> {
  return sendToUsers("demo.users.notify", ids, text, async (ids, message) =>
    ids.map((user_id) => ({ class: SendNotificationJob, args: { user_id, message } })),
  );
}

/** "Send e-mail": one SendEmailJob per selected user, to the address on file. */
export async function sendEmailAction(ids: unknown, text: unknown, subject: unknown): Promise<ActionResult> {
  const s = subjectField.safeParse(subject);
  const subj = s.success && s.data ? s.data : "Resque Admin";
  return sendToUsers(
    "demo.users.email",
    ids,
    text,
    async (ids, message) => {
      const users = await getUsersByIds(await getDb(), ids);
      return users.map((u) => ({ class: SendEmailJob, args: { to: u.email, subject: subj, body: message } }));
    },
    (t) => (s.success ? null : t("demo.subject.invalid", { max: MAX_SUBJECT_LENGTH })),
  );
}
