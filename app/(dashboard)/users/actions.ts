"use server";

import { z } from "zod";
import { getDb, getUsersByIds, listForMessage, MAX_BATCH_IDS, userIdsMatching, type DemoUser } from "@/lib/db";
import { SendEmailJob } from "@/jobs/send-email-job";
import { SendNotificationJob } from "@/jobs/send-notification-job";
import { emailSubject, userMessage, userTargets } from "@/lib/dashboard/demo-schemas";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { Translate } from "@/lib/i18n";
import { dashboardAction, type Answer } from "../../action";

type Targets = z.output<typeof userTargets>;
type Spec = { class: typeof SendNotificationJob | typeof SendEmailJob; args: unknown };

/** The audit row: the ids picked, or the search whose every match was sent to. */
const auditTargets = ([targets]: [Targets, ...unknown[]]) =>
  "ids" in targets ? { items: targets.ids } : { target: `q=${JSON.stringify(targets.q)}` };

/**
 * One batch action over users: unknown ids are refused by name (one query); disabled users are
 * skipped and counted, never sent to silently; then one job per active user is enqueued in a
 * single pipelined round trip. The registry validates every job's args before anything is
 * stored, so a bad one stores none. The answer names what was queued (notifications or e-mails).
 */
async function sendToUsers(
  t: Translate,
  targets: Targets,
  what: "notifications" | "emails",
  spec: (u: DemoUser) => Spec,
): Promise<Answer> {
  const db = await getDb();
  let ids: number[];
  if ("ids" in targets) {
    ids = targets.ids;
  } else {
    ids = await userIdsMatching(db, targets.q, MAX_BATCH_IDS + 1);
    if (ids.length === 0) return { code: "invalid", message: t("demo.users.noneSelected") };
    if (ids.length > MAX_BATCH_IDS)
      return { code: "invalid", message: t("demo.ids.tooMany", { max: MAX_BATCH_IDS, count: ids.length }) };
  }
  // The users read also names the unknown ids: one statement over the 10,000 ids, not a check
  // and then a read (a round trip and a JSON parse of the ids each on PostgreSQL).
  const users = await getUsersByIds(db, ids);
  const found = new Set(users.map((u) => u.id));
  const missing = "ids" in targets ? ids.filter((id) => !found.has(id)) : [];
  if (missing.length) return { code: "invalid", message: t("demo.users.unknown", { ids: listForMessage(missing) }) };
  const active = users.filter((u) => u.status === "active");
  const skipped = users.length - active.length;
  if (active.length === 0) return { code: "conflict", message: t("demo.users.allDisabled", { count: skipped }) };
  const jobs = await queueClient().enqueueMany(active.map(spec));
  const queued = t(what === "emails" ? "demo.users.emailsQueued" : "demo.users.notificationsQueued", {
    count: jobs.length,
  });
  return skipped
    ? { code: "partial", message: queued + t("sentence.gap") + t("demo.users.skippedDisabled", { count: skipped }) }
    : { code: "ok", message: queued };
}

/** The PHP original's "Send notification": one SendNotificationJob per selected active user. */
export const sendNotificationAction = dashboardAction({
  action: "demo.users.notify",
  input: z.tuple([userTargets, userMessage]),
  audit: auditTargets,
  perform: ([targets, message], { t }) =>
    sendToUsers(t, targets, "notifications", (u) => ({ class: SendNotificationJob, args: { user_id: u.id, message } })),
});

/** "Send e-mail": one SendEmailJob per selected active user, to the address on file. */
export const sendEmailAction = dashboardAction({
  action: "demo.users.email",
  input: z.tuple([userTargets, userMessage, emailSubject]),
  audit: auditTargets,
  perform: ([targets, message, subject], { t }) =>
    sendToUsers(t, targets, "emails", (u) => ({ class: SendEmailJob, args: { to: u.email, subject, body: message } })),
});
