/**
 * The durability option (REDIS_MIN_REPLICAS_ACK): writes wait for a replica before they count as
 * done. A real primary and a real replica (`--replicaof`); the replica is frozen with SIGSTOP to
 * show that a call waits for it, and that a timeout is reported instead of a false success.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import {
  BaseJob,
  Client,
  Connection,
  JobRegistry,
  NotReplicatedError,
  Scheduler,
  Worker,
  retryFailed,
  listFailed,
  waitsSent,
  type DurabilityOptions,
} from "@/lib/resque";
import { durabilityFromEnv } from "@/lib/redis";
import { testNamespace, waitFor } from "../helpers/ns";
import { startReplicated, waitCalls, type Replicated } from "../helpers/replicated";
import { runCliInProcess } from "../helpers/cli";
import { cliEnv, startCli, type Running } from "../helpers/processes";

class OkJob extends BaseJob {
  static names = ["OkJob"];
  perform() {}
}
class BoomJob extends BaseJob {
  static names = ["BoomJob"];
  perform() {
    throw new Error("boom");
  }
}
const registry = new JobRegistry([OkJob, BoomJob]);
const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

/** Long enough that only a thawed replica ends the WAIT in the "waits for it" checks. */
const PATIENT: DurabilityOptions = { minReplicas: 1, timeoutMs: 20_000 };
const SHORT: DurabilityOptions = { minReplicas: 1, timeoutMs: 300 };
/** Long, so only a dropped connection can end a WAIT early: the answer the test sees is the drop's. */
const DROP: DurabilityOptions = { minReplicas: 1, timeoutMs: 10_000 };

let rs: Replicated;
let primary: Redis;
let replica: Redis;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  rs = await startReplicated();
  primary = new Redis(rs.primary.url);
  replica = new Redis(rs.replica.url);
});
afterEach(async () => {
  rs.thawReplica();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  primary?.disconnect();
  replica?.disconnect();
  await rs?.stop();
});

/** A client of its own per use, so WAIT counts and batching are this test's alone. */
function client(): Redis {
  const r = new Redis(rs.primary.url);
  cleanups.push(async () => r.disconnect());
  return r;
}

/** A worker on queue "q" with `durability`, stopped after the test; `problems` collects its warnings. */
async function startWorker(namespace: string, durability: DurabilityOptions): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  const worker = new Worker({ redis: client(), namespace, registry, queues: ["q"], intervalSec: 0.2, durability });
  worker.on("problem", (m) => problems.push(m));
  await worker.start();
  cleanups.push(() => worker.stop());
  return { problems };
}

/** Whether a client of the primary is blocked in WAIT right now. */
async function blockedInWait(): Promise<boolean> {
  const list = (await primary.call("CLIENT", "LIST")) as string;
  return list.split("\n").some((l) => / flags=\S*b/.test(l) && / cmd=wait\b/.test(l));
}

/**
 * Runs `call` with the replica frozen, checks that it is held in a WAIT (not answered), thaws the
 * replica and returns what the call answers: the replica must have its writes from that moment.
 */
async function heldForReplica<T>(call: () => Promise<T>, alsoAnswers?: Redis): Promise<T> {
  rs.freezeReplica();
  let settled = false;
  const p = call().finally(() => (settled = true));
  await waitFor("a WAIT blocked on the primary", blockedInWait);
  // The WAIT is on a side connection: the caller's own connection still answers meanwhile.
  if (alsoAnswers) expect(await alsoAnswers.exists("no-such-key")).toBe(0);
  expect(settled).toBe(false);
  rs.thawReplica();
  return p;
}

describe("REDIS_MIN_REPLICAS_ACK", () => {
  it("reads its settings from the environment: 0 and 1000 ms by default, nonsense refused", () => {
    expect(durabilityFromEnv(env({}))).toEqual({ minReplicas: 0, timeoutMs: 1000 });
    expect(durabilityFromEnv(env({ REDIS_MIN_REPLICAS_ACK: "2", REDIS_ACK_TIMEOUT_MS: "250" }))).toEqual({
      minReplicas: 2,
      timeoutMs: 250,
    });
    expect(() => durabilityFromEnv(env({ REDIS_MIN_REPLICAS_ACK: "-1" }))).toThrow(/REDIS_MIN_REPLICAS_ACK/);
    expect(() => durabilityFromEnv(env({ REDIS_ACK_TIMEOUT_MS: "0" }))).toThrow(/REDIS_ACK_TIMEOUT_MS/);
    expect(() => durabilityFromEnv(env({ REDIS_MIN_REPLICAS_ACK: "one" }))).toThrow(/whole number/);
  });

  it("with 0 (the default) sends no WAIT at all", async () => {
    const redis = client();
    const namespace = testNamespace("ack0");
    const before = await waitCalls(primary);
    const durability = durabilityFromEnv(env({}));
    const c = new Client({ redis, namespace, registry, durability });
    await c.enqueue("q", OkJob);
    await c.enqueueMany([
      { queue: "q", class: OkJob },
      { queue: "q", class: BoomJob },
    ]);
    await c.enqueueIn(3600, "q", OkJob);
    const worker = new Worker({ redis, namespace, registry, queues: ["q"], intervalSec: 0.2, durability });
    await worker.start();
    cleanups.push(() => worker.stop());
    await waitFor("drained", async () => (await redis.get(`${namespace}:stat:processed`)) === "3");
    const conn = new Connection({ redis, namespace, durability });
    const failed = await listFailed(conn);
    await retryFailed(conn, [failed.items[0]!.id]);
    await new Scheduler({ redis, namespace, durability }).tick();
    expect(await waitCalls(primary)).toBe(before);
    expect(waitsSent(redis)).toBe(0);
  });

  it("with 1, enqueue, bulk enqueue, delayed, retry and the scheduler's move return only once the replica has them", async () => {
    const redis = client();
    const namespace = testNamespace("ack1");
    const key = (k: string) => `${namespace}:${k}`;
    const c = new Client({ redis, namespace, registry, durability: PATIENT });

    await heldForReplica(() => c.enqueue("q", OkJob), redis);
    expect(await replica.llen(key("queue:q"))).toBe(1);

    const before = await waitCalls(primary);
    await heldForReplica(() => c.enqueueMany(Array.from({ length: 50 }, () => ({ queue: "q", class: OkJob }))));
    expect(await replica.llen(key("queue:q"))).toBe(51);
    expect((await waitCalls(primary)) - before).toBe(1); // one WAIT for the whole batch

    await heldForReplica(() => c.enqueueIn(3600, "later", OkJob));
    expect(await replica.zcard(key("delayed_queue_schedule"))).toBe(1);

    // An item already due, written without the option, moved by the scheduler with it.
    const plain = new Client({ redis, namespace, registry });
    const due = Math.floor(Date.now() / 1000) - 5;
    await plain.schedule(due, { queue: "due", className: "OkJob", argsArray: [{}], payload: "" });
    const scheduler = new Scheduler({ redis, namespace, durability: PATIENT, id: "ack-test" });
    await heldForReplica(() => scheduler.tick());
    expect(await replica.llen(key("queue:due"))).toBe(1);
    expect(await replica.exists(key(`delayed:${due}`))).toBe(0);

    // A failure to retry, recorded by a worker without the option.
    await plain.enqueue("boom", BoomJob);
    const worker = new Worker({ redis: client(), namespace, registry, queues: ["boom"], intervalSec: 0.2 });
    await worker.start();
    cleanups.push(() => worker.stop());
    await waitFor("failure recorded", async () => (await redis.llen(key("failed"))) === 1);
    await worker.stop();
    const conn = new Connection({ redis, namespace, durability: PATIENT });
    const failed = await listFailed(conn);
    const r = await heldForReplica(() => retryFailed(conn, [failed.items[0]!.id]));
    expect(r.retried).toBe(1);
    expect(await replica.llen(key("queue:boom"))).toBe(1);
    expect(await replica.llen(key("failed"))).toBe(0);
  });

  it("with 1, a worker's reservations, finishes and failures are confirmed without holding up its loop", async () => {
    const namespace = testNamespace("ackw");
    const key = (k: string) => `${namespace}:${k}`;
    const plain = new Client({ redis: client(), namespace, registry });
    const { problems } = await startWorker(namespace, PATIENT);
    rs.freezeReplica();
    await plain.enqueue("q", OkJob);
    await plain.enqueue("q", BoomJob);
    // The WAIT is on the side connection: the worker goes on settling jobs while it is out.
    await waitFor("the worker's WAIT blocked", blockedInWait);
    await waitFor("both settled on the primary", async () => (await primary.llen(key("failed"))) === 1);
    await waitFor("processed on the primary", async () => (await primary.get(key("stat:processed"))) === "2");
    rs.thawReplica();
    await waitFor("the failure on the replica", async () => (await replica.llen(key("failed"))) === 1);
    await waitFor("the finishes on the replica", async () => (await replica.get(key("stat:processed"))) === "2");
    await waitFor("every WAIT answered", async () => !(await blockedInWait()));
    expect(problems).toEqual([]); // confirmed once the replica was back, within the timeout
  });

  it("with the replica away, an enqueue answers NotReplicated after one WAIT; worker and scheduler carry on and say so", async () => {
    const redis = client();
    const namespace = testNamespace("ackx");
    const key = (k: string) => `${namespace}:${k}`;
    const c = new Client({ redis, namespace, registry, durability: SHORT });
    rs.freezeReplica();

    const before = await waitCalls(primary);
    const err = await c.enqueue("q", OkJob).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotReplicatedError);
    expect((err as Error).message).toMatch(
      /^OkJob on queue q not stored on a replica within 300 ms \(0 of 1 confirmed\)/,
    );
    expect((err as Error).message).toMatch(/may still be in Redis and run/);
    expect((await waitCalls(primary)) - before).toBe(1); // no loop: one WAIT, then the answer
    expect(await primary.llen(key("queue:q"))).toBe(1); // on the primary, as the sentence says

    await expect(c.enqueueMany([{ queue: "q", class: OkJob }])).rejects.toThrow(
      /^1 enqueued job\(s\) not stored on a replica within 300 ms/,
    );

    // The CLI: the sentence and a non-zero exit, not "Enqueued".
    const cli = await runCliInProcess(
      ["enqueue", "q", "OkJob"],
      cliEnv(rs.primary.url, namespace, { REDIS_MIN_REPLICAS_ACK: "1", REDIS_ACK_TIMEOUT_MS: "300" }),
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: OkJob on queue q not stored on a replica within 300 ms/);
    expect(cli.stdout).not.toMatch(/Enqueued/);

    // The worker runs them all, logs the shortfall once, and keeps going.
    const { problems } = await startWorker(namespace, SHORT);
    await waitFor("drained", async () => (await primary.get(key("stat:processed"))) === "3");
    await waitFor("the shortfall logged", () => problems.length > 0);
    expect(problems[0]).toMatch(
      /job\(s\) taken, finished or failed not stored on a replica within 300 ms \(0 of 1 confirmed\); carrying on/,
    );
    await c.enqueueMany([{ queue: "q", class: OkJob }]).catch(() => undefined);
    await waitFor("still working", async () => (await primary.get(key("stat:processed"))) === "4");
    expect(problems.length).toBe(1); // rate-limited: one line a minute, not one per loop

    // The scheduler moves a due item and reports that the replica did not confirm it.
    const due = Math.floor(Date.now() / 1000) - 5;
    await new Client({ redis, namespace }).schedule(due, {
      queue: "due",
      className: "OkJob",
      argsArray: [{}],
      payload: "",
    });
    const scheduler = new Scheduler({ redis, namespace, durability: SHORT, id: "ack-away" });
    const said: string[] = [];
    scheduler.on("problem", (m) => said.push(m));
    await scheduler.tick();
    expect(await primary.llen(key("queue:due"))).toBe(1);
    expect(said).toEqual([
      expect.stringMatching(/^1 delayed job move\(s\) and schedule firing\(s\) not stored on a replica/),
    ]);
  });

  it("batches: a drain of 2,000 jobs with 10 slots sends far fewer WAITs than jobs", async () => {
    const namespace = testNamespace("ackb");
    const jobs = 2000;
    const c = new Client({ redis: client(), namespace, registry, durability: PATIENT });
    const before = await waitCalls(primary);
    await c.enqueueMany(Array.from({ length: jobs }, () => ({ queue: "q", class: OkJob })));
    const workerRedis = client();
    const worker = new Worker({
      redis: workerRedis,
      namespace,
      registry,
      queues: ["q"],
      intervalSec: 0.2,
      concurrency: 10,
      durability: PATIENT,
    });
    await worker.start();
    cleanups.push(() => worker.stop());
    await waitFor("drained", async () => (await primary.get(`${namespace}:stat:processed`)) === String(jobs));
    await worker.stop();
    const waits = (await waitCalls(primary)) - before;
    expect(waits).toBeGreaterThan(0);
    expect(waits).toBeLessThan(jobs / 5); // one WAIT per job would be ≥ 2,000
    expect(waitsSent(workerRedis)).toBe(waits - 1); // the rest: the one WAIT of the bulk enqueue
  });

  it(
    "a connection dropped between a write and its WAIT: a confirmed success or NotReplicated, never a false one",
    async () => {
      // Named, so the test finds the client's own connection and its side connection (`…:replica-ack`).
      const redis = new Redis(rs.primary.url, { connectionName: "ackdrop" });
      cleanups.push(async () => redis.disconnect());
      const namespace = testNamespace("ackdrop");
      const key = (k: string) => `${namespace}:${k}`;
      const c = new Client({ redis, namespace, registry, durability: DROP });
      const kill = async (name: string) => {
        const line = ((await primary.call("CLIENT", "LIST")) as string)
          .split("\n")
          .find((l) => l.includes(` name=${name} `));
        expect(line, `a connection named ${name}`).toBeDefined();
        await primary.call("CLIENT", "KILL", "ID", /^id=(\d+)/.exec(line!)![1]!);
      };

      // The side connection drops while its WAIT is out and the replica (frozen) has not confirmed.
      // A WAIT sent again on the next connection would answer for that connection's writes: a false
      // success, or (Redis 7.0) a second full timeout, which this test's time limit does not allow.
      rs.freezeReplica();
      const dropped = c.enqueue("q", OkJob).catch((e: unknown) => e);
      await waitFor("the WAIT blocked on the primary", blockedInWait);
      await kill("ackdrop:replica-ack");
      const err = await dropped;
      expect(err).toBeInstanceOf(NotReplicatedError);
      expect((err as NotReplicatedError).replicas).toBe(0);
      expect(await primary.llen(key("queue:q"))).toBe(1); // stored on the primary, as the sentence says

      // The client's own connection drops instead: the WAIT on the side connection still answers for
      // the write made before it, and confirms once the replica has it.
      const held = c.enqueue("q", OkJob);
      await waitFor("the WAIT blocked again", blockedInWait);
      await kill("ackdrop");
      rs.thawReplica();
      await held;
      expect(await replica.llen(key("queue:q"))).toBe(2);

      // The side connection came back: the next enqueue is confirmed as usual.
      await c.enqueue("q", OkJob);
      expect(await replica.llen(key("queue:q"))).toBe(3);
      // The bound: everything above within one WAIT's timeout, far under ackSettleMs(DROP.timeoutMs).
    },
    DROP.timeoutMs,
  );

  it("a real `work` process takes the option from its environment", async () => {
    const namespace = testNamespace("ackp");
    rs.freezeReplica();
    let work: Running | undefined;
    try {
      work = startCli(
        ["work"],
        cliEnv(rs.primary.url, namespace, {
          QUEUE: "q",
          SCHEDULER: "0",
          REDIS_MIN_REPLICAS_ACK: "1",
          REDIS_ACK_TIMEOUT_MS: "300",
        }),
      );
      await new Client({ redis: primary, namespace }).enqueue("q", "RecordJob", { n: 1 });
      await waitFor("the worker's warning", () => /not stored on a replica within 300 ms/.test(work!.output()));
    } finally {
      work?.kill("SIGTERM");
      await work?.exited;
    }
  });
});
