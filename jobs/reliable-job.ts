import { z } from "zod";
import { BaseJob } from "../lib/resque/index";
import { sendMail } from "../lib/mail";

const schema = z.looseObject({
  to: z.email(),
  subject: z.string().min(1, "subject is required"),
  body: z.string(),
  _attempt: z.number().int().min(0).optional(),
});

/**
 * The seed's "Job with Retry" (`ReliableJob`), as written there: on failure it enqueues itself
 * again on `default` with `_attempt + 1`, up to 3 times, then lets the error through. Its work
 * here is sending one e-mail, a step that fails for passing reasons.
 *
 * Prefer the built-in policy (`static retry`, as SendEmailJob has): it waits between attempts,
 * keeps the count the same way (`args._attempt`), records the last failure with its message and
 * backtrace, and is counted under `stat:retried`. This hand-rolled loop retries at once, and each
 * failed attempt leaves no trace but a new job.
 */
export class ReliableJob extends BaseJob<z.input<typeof schema>> {
  static names = ["Common\\Job\\ReliableJob", "ReliableJob"];
  static queue = "default";
  static schema = schema;

  async perform() {
    const maxRetries = 3;
    const attempt = this.args._attempt ?? 0;
    try {
      return await this.doWork();
    } catch (e) {
      if (attempt < maxRetries) {
        await this.job.resque.enqueue("default", ReliableJob, { ...this.args, _attempt: attempt + 1 });
        return true;
      }
      throw e;
    }
  }

  private async doWork() {
    const { to, subject, body } = this.args;
    const info = await sendMail({ to, subject, text: body });
    return { messageId: info.messageId, outboxFile: info.outboxFile };
  }
}
