import { afterAll, describe, expect, it } from "vitest";
import {
  clearQueue,
  getPauseState,
  InvalidQueueNameError,
  listQueues,
  pauseAllWorkers,
  pauseQueue,
  peekQueue,
  removeQueue,
  resumeAllWorkers,
  resumeQueue,
} from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadEntries, makeConn, seed } from "../helpers/fixtures";

const php = loadEntries("php-resque");
const node = loadEntries("node-resque");
const redis = testRedis();
afterAll(() => redis.disconnect());

describe("queue actions", () => {
  it("lists empty registered queues, skips php :temp: names, and shows hostile payloads as text", async () => {
    const ns = testNamespace("q");
    const conn = makeConn(redis, ns);
    await redis.sadd(`${ns}:queues`, "empty", "fixtures:temp:1795916392", "broken");
    await redis.rpush(`${ns}:queue:broken`, "<script>alert(1)</script>");
    const queues = await listQueues(conn);
    expect(queues).toEqual([
      { name: "broken", size: 1, latencySec: null, paused: false },
      { name: "empty", size: 0, latencySec: null, paused: false },
    ]);
    const [item] = (await peekQueue(conn, "broken")).items;
    expect(item).toMatchObject({
      raw: "<script>alert(1)</script>",
      payload: { ok: false, error: "payload is not valid JSON" },
    });
  });

  it("clears a queue but keeps it registered; removes a queue with its pause flag and wake tokens", async () => {
    const ns = testNamespace("q");
    const conn = makeConn(redis, ns);
    await seed(redis, ns, php, [
      "v1.3.6/queued_payload_no_args",
      "v1.3.6/queued_payload_namespaced_class",
      "v1.3.6/queues_set_member",
    ]);
    expect(await clearQueue(conn, "fixtures")).toBe(2);
    expect(await redis.exists(`${ns}:queue:fixtures`)).toBe(0);
    expect(await redis.smembers(`${ns}:queues`)).toEqual(["fixtures"]);

    await seed(redis, ns, node, ["queued_payload_no_args"]);
    await pauseQueue(conn, "fixtures");
    await redis.rpush(`${ns}:tsq:wake:fixtures`, "1");
    await removeQueue(conn, "fixtures");
    expect(
      await redis.exists(
        `${ns}:queues`,
        `${ns}:queue:fixtures`,
        `${ns}:pause:queue:fixtures`,
        `${ns}:tsq:wake:fixtures`,
      ),
    ).toBe(0);
  });

  it("pauses and resumes queues and all workers with Ruby's and resque-pause's keys", async () => {
    const ns = testNamespace("q");
    const conn = makeConn(redis, ns);
    await redis.sadd(`${ns}:queues`, "a", "b");
    expect(await getPauseState(conn)).toEqual({ all: false, queues: [] });
    await pauseQueue(conn, "b");
    expect(await redis.get(`${ns}:pause:queue:b`)).toBe("true");
    expect((await listQueues(conn)).map((q) => q.paused)).toEqual([false, true]);
    await pauseAllWorkers(conn);
    expect(await redis.get(`${ns}:pause-all-workers`)).toBe("true");
    expect(await getPauseState(conn)).toEqual({ all: true, source: "pause-all-workers", queues: ["b"] });
    await resumeAllWorkers(conn);
    await redis.set(`${ns}:pause:all`, "1");
    expect(await getPauseState(conn)).toMatchObject({ all: true, source: "pause:all" });
    await redis.set(`${ns}:pause-all-workers`, " False ");
    expect(await getPauseState(conn)).toMatchObject({ all: true, source: "pause:all" });
    await resumeAllWorkers(conn);
    await resumeQueue(conn, "b");
    expect(await redis.exists(`${ns}:pause-all-workers`, `${ns}:pause:all`, `${ns}:pause:queue:b`)).toBe(0);
    expect(await getPauseState(conn)).toEqual({ all: false, queues: [] });
  });

  it("acts on any queue name another client registered, and refuses only empty or huge ones", async () => {
    const conn = makeConn(redis, testNamespace("q"));
    for (const bad of ["", "q".repeat(1001)]) {
      await expect(peekQueue(conn, bad)).rejects.toBeInstanceOf(InvalidQueueNameError);
      await expect(clearQueue(conn, bad)).rejects.toBeInstanceOf(InvalidQueueNameError);
      await expect(pauseQueue(conn, bad)).rejects.toBeInstanceOf(InvalidQueueNameError);
    }
    // Ruby and redis-cli register such names; the dashboard must still show and clear them.
    for (const odd of ["a b", "a,b", "*", "x\n", "<q>"]) {
      await redis.rpush(conn.keys.queue(odd), '{"class":"J","args":[]}');
      expect((await peekQueue(conn, odd)).total).toBe(1);
      expect(await clearQueue(conn, odd)).toBe(1);
    }
  });
});
