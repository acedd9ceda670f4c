/**
 * The durability option on the dashboard: `next start` with REDIS_MIN_REPLICAS_ACK=1 against a
 * real primary and replica. With the replica frozen (SIGSTOP), the Failed page still reads (WAITs
 * go on a side connection), and a retry answers "Not confirmed: …" in the reader's language
 * instead of "1 job retried." — while the job is on the primary's queue, as the sentence says.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFailureRecord, encodePayload } from "@/lib/resque";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { testNamespace, waitFor } from "../helpers/ns";
import { startReplicated, type Replicated } from "../helpers/replicated";
import { signIn, startWeb, type WebServer } from "../helpers/web";

describe("durability option on the dashboard", () => {
  const namespace = testNamespace("e2e-ack");
  let rs: Replicated;
  let primary: Redis;
  let replica: Redis;
  let web: WebServer;

  beforeAll(async () => {
    rs = await startReplicated();
    primary = new Redis(rs.primary.url);
    replica = new Redis(rs.replica.url);
    web = await startWeb({
      redisUrl: rs.primary.url,
      namespace,
      env: { REDIS_MIN_REPLICAS_ACK: "1", REDIS_ACK_TIMEOUT_MS: "300" },
    });
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    primary?.disconnect();
    replica?.disconnect();
    await rs?.stop();
  });

  /** One failure record for `cls`, on the replica too before the replica is frozen. */
  async function seedFailure(cls: string): Promise<void> {
    const raw = buildFailureRecord({
      payloadRaw: encodePayload(cls, [{ to: "someone@example.test" }]),
      exception: "Error",
      error: "SMTP refused",
      backtrace: [`at ${cls}.perform (/srv/app/jobs/${cls}.js:10:5)`],
      worker: "web-1:100:email",
      queue: "email",
    });
    await primary.rpush(`${namespace}:failed`, raw);
    await waitFor("the record on the replica", async () => (await replica.llen(`${namespace}:failed`)) === 1);
  }

  /** Seeds a failure, freezes the replica, retries it from the row's details; the row's answer. */
  async function retryWithReplicaFrozen(
    b: OpenedBrowser,
    cls: string,
    words: { details: string; retry: string; yes: string },
  ) {
    await seedFailure(cls);
    rs.freezeReplica();
    const { page } = b;
    await page.goto(`${web.url}/failed`);
    const row = page.locator("main tr[data-failed-id]").first();
    await row.getByText(cls).waitFor();
    await row.getByRole("button", { name: words.details }).click();
    const details = page.locator("main tr[data-failed-details]");
    await details.getByRole("button", { name: words.retry, exact: true }).click();
    await details.getByRole("button", { name: words.yes }).click();
    return page.locator("[data-row-result]");
  }

  it("a retry the replica does not confirm says so, in English and in Chinese, light and dark, wide and narrow", async () => {
    const en = await openBrowser({ colorScheme: "light" });
    try {
      await signIn(en.page, web);
      const result = await retryWithReplicaFrozen(en, "SendEmailJob", {
        details: "Details",
        retry: "Retry",
        yes: "Yes, do it",
      });
      await result
        .getByText(
          "Not confirmed: this was not stored on a replica within 300 ms (0 of 1 confirmed). It may still be in Redis and run, or be lost if the primary fails now; check before trying again.",
        )
        .waitFor();
      // The job is queued on the primary, as the sentence says it may be.
      expect(await primary.llen(`${namespace}:queue:email`)).toBe(1);
      await en.screenshot("durability-retry-unconfirmed-light");
      await en.page.setViewportSize({ width: 390, height: 844 });
      await en.screenshot("durability-retry-unconfirmed-light-390");
      expect(en.errors()).toEqual([]);
    } finally {
      rs.thawReplica();
      await en.close();
    }
    await primary.del(`${namespace}:queue:email`);

    const zh = await openBrowser({ colorScheme: "dark", locale: "zh-CN" });
    try {
      await signIn(zh.page, web);
      const result = await retryWithReplicaFrozen(zh, "SendSmsJob", { details: "详情", retry: "重试", yes: "确定" });
      await result.getByText(/^未确认：未在 300 毫秒内写入副本（需要 1 个，已确认 0 个）/).waitFor();
      expect(await primary.llen(`${namespace}:queue:email`)).toBe(1);
      await zh.screenshot("durability-retry-unconfirmed-dark-zh-CN");
      await zh.page.setViewportSize({ width: 390, height: 844 });
      await zh.screenshot("durability-retry-unconfirmed-dark-zh-CN-390");
      expect(zh.errors()).toEqual([]);
    } finally {
      rs.thawReplica();
      await zh.close();
    }
  });
});
