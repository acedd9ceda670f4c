import { z } from "zod";
import { BaseJob, DoNotRetryError } from "../lib/resque/index";
import { MAX_MESSAGE_LENGTH } from "../lib/db/notifications";
import { downloadUrl, jobKey, phpId } from "./job-args";

const schema = z.looseObject({
  user_id: phpId,
  message: z.string().min(1, "message is empty").max(MAX_MESSAGE_LENGTH).optional(),
  download_url: downloadUrl.optional(),
});

/**
 * The seed's `Common\Job\SendNotificationJob` (enqueued by "Send notification", one per user):
 * `{user_id, message}` → a notification for that demo user. Safe to run twice — the notification
 * is keyed by the job id — so a job cut off by a killed worker simply runs again.
 */
export class SendNotificationJob extends BaseJob<z.input<typeof schema>> {
  static names = ["Common\\Job\\SendNotificationJob", "SendNotificationJob"];
  static queue = "notification";
  static schema = schema;
  static rerunOnDirtyExit = true;

  async perform() {
    const args = schema.parse(this.args);
    const { createNotification, getDb, getUser } = await import("../lib/db/index");
    const db = await getDb();
    if (!(await getUser(db, args.user_id))) throw new DoNotRetryError(`There is no user with id ${args.user_id}`);
    const { created, notification } = await createNotification(db, {
      recipient: { type: "user", id: args.user_id },
      message: args.message ?? "您有新消息",
      downloadUrl: args.download_url,
      jobId: jobKey(this.job),
    });
    return { notificationId: notification.id, created };
  }
}
