import { z } from "zod";
import { BaseJob } from "../lib/resque/index";
import { sendMail } from "../lib/mail";

const schema = z.looseObject({
  to: z.union([z.email(), z.array(z.email()).min(1)]),
  subject: z.string().min(1, "subject is required"),
  body: z.string(),
  html: z.string().optional(),
});

/**
 * The seed's `Common\Job\SendEmailJob`: `{to, subject, body}` → one message. Sending twice is
 * not harmless, so an interrupted send becomes a dirty-exit failure to retry by hand.
 *
 * An SMTP refusal fails the attempt with the server's reply as the message; the built-in retry
 * policy (the recommended form of the seed's "Job with Retry") tries again after about 1, 3, 9
 * and 27 s — a greylisting or "try again later" server usually accepts by then — and the fifth
 * failure is recorded in `failed` with that reply.
 */
export class SendEmailJob extends BaseJob<z.infer<typeof schema>> {
  static names = ["Common\\Job\\SendEmailJob", "SendEmailJob"];
  static queue = "default";
  static schema = schema;
  static retry = { attempts: 5, backoff: { exponential: 3, baseSec: 1, maxSec: 600, jitter: 0.1 } };

  async perform() {
    const { to, subject, body, html } = this.args;
    const info = await sendMail({ to, subject, text: body, html });
    return { messageId: info.messageId, outboxFile: info.outboxFile };
  }
}
