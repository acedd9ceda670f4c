/**
 * "Send e-mail" against an SMTP server that says "try again later", in Chromium: the jobs fail,
 * SendEmailJob's retry policy puts them on the delayed schedule (what the Delayed page shows while
 * they wait), the scheduler inside `work` moves them back when due, and once the server accepts
 * every e-mail arrives and nothing is left in failed. Real smtp-server, worker, Redis and SQLite.
 */
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUsersByIds } from "@/lib/db";
import { useDemoStack } from "../helpers/demo-stack";
import { freePort } from "../helpers/redis-server";
import { waitFor } from "../helpers/ns";

const SUBJECT = "Your order has shipped";

/** An SMTP server that refuses every recipient with a 451 until `accept` is set. */
async function greylistingSmtp() {
  const state = {
    accept: false,
    /** Recipients refused, one entry per attempt. */
    refused: [] as string[],
    received: [] as { to: string[]; data: string }[],
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (state.accept) return callback();
      state.refused.push(address.address);
      callback(Object.assign(new Error("4.7.1 Greylisted, please try again later"), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (d: Buffer) => (data += d.toString()));
      stream.on("end", () => {
        state.received.push({ to: session.envelope.rcptTo.map((a) => a.address), data });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("demo: e-mail refused, retried, then delivered", () => {
  let smtp: Awaited<ReturnType<typeof greylistingSmtp>> | undefined;
  beforeAll(async () => {
    smtp = await greylistingSmtp();
  });
  afterAll(() => smtp?.close());
  // Registered after the SMTP server's hooks: starts once it listens, stops before it closes.
  const demo = useDemoStack({
    label: "e2e-demo-email-retry",
    seed: { products: 0, users: 5 },
    env: () => ({ SMTP_URL: smtp!.url }),
  });

  /** The SendEmailJob items on the delayed schedule, with their attempt numbers and due times. */
  async function delayedEmails(): Promise<{ ts: number; to: string; attempt: number }[]> {
    const out = [];
    for (const ts of await demo.redis.zrange(`${demo.namespace}:delayed_queue_schedule`, "0", "-1")) {
      for (const raw of await demo.redis.lrange(`${demo.namespace}:delayed:${ts}`, 0, -1)) {
        const item = JSON.parse(raw) as { class: string; args: [{ to: string; _attempt?: number }] };
        if (item.class.endsWith("SendEmailJob"))
          out.push({ ts: Number(ts), to: item.args[0].to, attempt: item.args[0]._attempt ?? 0 });
      }
    }
    return out;
  }

  it("shows the retries on the Delayed page while the server refuses, and delivers every e-mail once it accepts", async () => {
    const { page } = demo.browser;
    const { state } = smtp!;
    const to = (await getUsersByIds(demo.db, [1, 2, 3])).map((u) => u.email).sort();
    expect(to).toHaveLength(3);
    const worker = demo.work({ QUEUE: "default", SMTP_URL: smtp!.url });

    await page.goto(`${demo.web.url}/users`);
    for (const id of [1, 2, 3]) await page.locator(`tr[data-user="${id}"] input[type=checkbox]`).check();
    await page.getByRole("textbox", { name: "Message" }).fill("It left the warehouse today.");
    await page.getByRole("textbox", { name: "E-mail subject" }).fill(SUBJECT);
    await page.getByRole("button", { name: "Send e-mail (3)" }).click();
    await page.getByRole("status").filter({ hasText: "3 e-mails queued." }).waitFor();
    await demo.browser.screenshot("demo-email-retry-queued");

    await waitFor("every e-mail refused once", () => new Set(state.refused).size === 3, 60_000);
    expect([...new Set(state.refused)].sort()).toEqual(to);
    expect(state.received).toEqual([]);
    // The worker's log says why, and so do the Delayed pages below.
    await waitFor(
      "the refusal in the worker's log",
      () =>
        /SendEmailJob on default failed: .*451.*Greylisted, please try again later; retry 1 at /.test(worker.output()),
      30_000,
    );

    // What a user sees while the jobs wait for their next try: the Delayed page (it polls).
    await page.goto(`${demo.web.url}/delayed`);
    const first = page.locator("main tbody tr", { hasText: "SendEmailJob" }).first();
    await first.waitFor({ timeout: 60_000 });
    await first.getByText(/^retry [1-4] of 4$/).waitFor();
    await demo.browser.screenshot("demo-email-retry-delayed");

    // A retry due far enough ahead (the third try waits about 9 s) to open its own page before it runs.
    const later = await waitFor(
      "a retry due at least 5 s ahead",
      async () => (await delayedEmails()).find((d) => d.ts * 1000 > Date.now() + 5_000),
      60_000,
    );
    expect(later.attempt).toBeGreaterThanOrEqual(2);
    await page.goto(`${demo.web.url}/delayed/${later.ts}`);
    // Each retry says which try it is and why the one before failed: the server's own reply.
    const row = page.locator("main tbody tr", { hasText: later.to });
    const why = row.locator(`[data-retry="${later.attempt}"]`);
    await why.getByText(`retry ${later.attempt} of 4`).waitFor();
    await why.getByText(/451 .*Greylisted, please try again later/).waitFor();
    await row.locator("summary[data-args]").click();
    await row.locator("pre").getByText(`"_attempt":${later.attempt}`).waitFor();
    await demo.browser.screenshot("demo-email-retry-delayed-item");

    // Retries are not failures: the Failed page stays empty meanwhile.
    expect(await demo.redis.llen(`${demo.namespace}:failed`)).toBe(0);
    await page.goto(`${demo.web.url}/failed`);
    await page.getByText("No failed jobs.").waitFor();
    await demo.browser.screenshot("demo-email-retry-failed-meanwhile");

    state.accept = true;
    await waitFor("every e-mail delivered", () => state.received.length === 3, 90_000);
    expect(
      state.received
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual(to);
    for (const m of state.received) expect(m.data).toContain(`Subject: ${SUBJECT}`);
    const retried = Number(await demo.redis.get(`${demo.namespace}:tsq:stat:retried`));
    expect(retried).toBeGreaterThanOrEqual(3);
    expect(retried).toBe(state.refused.length);
    // Every attempt counts as processed: the refused ones and the three that went through.
    await waitFor(
      "the last attempts counted",
      async () => Number(await demo.redis.get(`${demo.namespace}:stat:processed`)) === retried + 3,
      30_000,
    );
    expect(Number(await demo.redis.get(`${demo.namespace}:stat:failed`))).toBe(0);
    expect(await demo.redis.llen(`${demo.namespace}:failed`)).toBe(0);
    expect(await delayedEmails()).toEqual([]);

    await page.goto(`${demo.web.url}/delayed`);
    await page.getByText("No delayed jobs.", { exact: false }).waitFor();
    await page.goto(`${demo.web.url}/failed`);
    await page.getByText("No failed jobs.").waitFor();
    await demo.browser.screenshot("demo-email-retry-done-failed");
  });
});
