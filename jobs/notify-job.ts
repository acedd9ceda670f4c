import { z } from "zod";
import { BaseJob, DoNotRetryError } from "../lib/resque/index";
import { MAX_MESSAGE_LENGTH } from "../lib/db/notifications";
import { downloadUrl, jobKey, phpId } from "./job-args";

const schema = z.looseObject({
  user_id: phpId,
  message: z.string().min(1, "message is empty").max(MAX_MESSAGE_LENGTH),
  download_url: downloadUrl.optional(),
});

/**
 * The seed's `Common\Job\NotifyJob`: tells the admin who asked for something (an export) that it
 * is ready — `{user_id, message, download_url}`, where `user_id` is the dashboard account. One
 * notification per job id, so it is safe to run twice.
 */
export class NotifyJob extends BaseJob<z.input<typeof schema>> {
  static names = ["Common\\Job\\NotifyJob", "NotifyJob"];
  static queue = "notification";
  static schema = schema;
  static rerunOnDirtyExit = true;

  async perform() {
    const args = schema.parse(this.args);
    const { createNotification, findAdminById, getDb } = await import("../lib/db/index");
    const db = await getDb();
    if (!(await findAdminById(db, args.user_id)))
      throw new DoNotRetryError(`There is no dashboard account with id ${args.user_id}`);
    const { created, notification } = await createNotification(db, {
      recipient: { type: "admin", id: args.user_id },
      message: args.message,
      downloadUrl: args.download_url,
      jobId: jobKey(this.job),
    });
    return { notificationId: notification.id, created };
  }
}
