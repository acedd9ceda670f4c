/**
 * The JSON routes share one read per URL for a short window (app/json-route.ts), and every
 * dashboard mutation drops those shared reads so a page never shows its own change late.
 *
 * Against the production build, with the window stretched to ten minutes so nothing here depends
 * on timing: a change written straight to Redis stays invisible to a route inside the window
 * (the sharing is real, so the check below can fail), while the same kind of change made through
 * a server action shows in the very next GET. Next compiles the route handlers and the actions
 * into separate module graphs; state kept in a module variable would exist once per graph and
 * the action would clear a copy the routes never read. This is how the Failed page's "Remove
 * selected" with live updates paused once kept showing the removed rows.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildFailureRecord, Connection, listFailed } from "@/lib/resque";
import { replayAction, serverAction } from "../helpers/actions";
import { openBrowser, type OpenedBrowser } from "../helpers/browser";
import { dropNamespace, testNamespace, testRedis } from "../helpers/ns";
import { getJson, signIn, startWeb, type WebServer } from "../helpers/web";

const FAILED_ACTIONS = "app/(dashboard)/failed/actions.ts";
const QUEUE_ACTIONS = "app/(dashboard)/queues/actions.ts";

describe("shared reads of the JSON routes", () => {
  const redisUrl = inject("redisUrl");
  const namespace = testNamespace("e2e-shared");
  let redis: Redis;
  let conn: Connection;
  let web: WebServer;
  let browser: OpenedBrowser;

  beforeAll(async () => {
    redis = testRedis();
    conn = new Connection({ redis, namespace });
    const [w, b] = await Promise.allSettled([
      startWeb({ redisUrl, namespace, env: { JSON_SHARE_MS: "600000" } }),
      openBrowser({ colorScheme: "light" }),
    ]);
    if (w.status === "fulfilled") web = w.value;
    if (b.status === "fulfilled") browser = b.value;
    for (const r of [w, b]) if (r.status === "rejected") throw r.reason;
    await signIn(browser.page, web);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await dropNamespace(redis, namespace);
  });

  const failure = (n: number) =>
    buildFailureRecord({
      payloadRaw: JSON.stringify({ class: "SendEmail", args: [{ n }] }),
      exception: "RuntimeError",
      error: `boom ${n}`,
      backtrace: [],
      worker: "h:1:email",
      queue: "email",
    });

  it("serves a change written behind the dashboard's back only after the window, and its own change at once", async () => {
    await redis.rpush(conn.keys.failed, failure(1), failure(2));
    const total = async () => (await getJson<{ total: number }>(web, "/api/failed")).body.total;
    expect(await total()).toBe(2);

    // Behind its back: the shared read stands (this is what the window is for).
    await redis.rpush(conn.keys.failed, failure(3));
    expect(await total()).toBe(2);

    // Through the dashboard: the action drops the shared reads, the next GET reads Redis again.
    // It removes the oldest record, one the shared read holds; the fresh read must hold the third.
    const oldest = (await listFailed(conn)).items.at(-1)!;
    const res = await replayAction(browser.page, web.url, serverAction(FAILED_ACTIONS, "removeFailedAction"), [
      [oldest.id],
      { list: "failed" },
    ]);
    expect(res.status).toBe(200);
    const inRedis = (await listFailed(conn)).items.map((i) => i.id);
    expect(inRedis).toHaveLength(2);
    expect(inRedis).not.toContain(oldest.id);
    expect((await getJson<{ items: { id: string }[] }>(web, "/api/failed")).body.items.map((i) => i.id)).toEqual(
      inRedis,
    );
  });

  it("drops the shared read of every route, not only the one of the page that acted", async () => {
    await redis.rpush(conn.keys.queue("mail"), JSON.stringify({ class: "SendEmail", args: [] }));
    await redis.sadd(conn.keys.queues, "mail");
    const paused = async () =>
      (await getJson<{ queues: { name: string; paused: boolean }[] }>(web, "/api/queues")).body.queues.find(
        (q) => q.name === "mail",
      )?.paused;
    expect(await paused()).toBe(false);
    const res = await replayAction(browser.page, web.url, serverAction(QUEUE_ACTIONS, "pauseQueueAction"), ["mail"]);
    expect(res.status).toBe(200);
    expect(await paused()).toBe(true);
  });
});
