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
/** Runs until its gate opens (`gates`), then succeeds or fails (`fail`); counts its runs. */
const gates = new Map<string, { open: () => void; opened: Promise<void>; runs: number }>();
function gate(name: string) {
  let open = () => {};
  const opened = new Promise<void>((r) => (open = r));
  const g = { open, opened, runs: 0 };
  gates.set(name, g);
  return g;
}
class GateJob extends BaseJob<{ gate: string; fail?: boolean }> {
  static names = ["GateJob"];
  async perform() {
    const g = gates.get(this.args.gate)!;
    g.runs++;
    await g.opened;
    if (this.args.fail) throw new Error("gate says fail");
  }
}
const registry = new JobRegistry([OkJob, BoomJob, GateJob]);
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
async function startWorker(
  namespace: string,
  durability: DurabilityOptions,
): Promise<{ problems: string[]; worker: Worker }> {
  const problems: string[] = [];
  const worker = new Worker({ redis: client(), namespace, registry, queues: ["q"], intervalSec: 0.2, durability });
  worker.on("problem", (m) => problems.push(m));
  await worker.start();
  cleanups.push(() => worker.stop());
  return { problems, worker };
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

  it("with 1, a worker runs a job only once a replica has its reservation, and lets go of one a failover lost", async () => {
    const namespace = testNamespace("ackw");
    const key = (k: string) => `${namespace}:${k}`;
    const plain = new Client({ redis: client(), namespace, registry });
    const { problems, worker } = await startWorker(namespace, SHORT);
    const wkey = key(`worker:${worker.id}`);
    const g = gate("held");
    rs.freezeReplica();
    await plain.enqueue("q", GateJob, { gate: "held" });
    // Reserved on the primary, not run: the replica has not confirmed the reservation.
    await waitFor("the reservation on the primary", async () => (await primary.exists(wkey)) === 1);
    await waitFor("the hold logged", () => problems.length > 0);
    expect(problems[0]).toMatch(
      /^1 reserved job\(s\) not stored on a replica within 300 ms \(0 of 1 confirmed\); holding them/,
    );
    expect(g.runs).toBe(0);
    // What a failover to a replica without the reservation leaves: the job back in its queue, the
    // slot empty. The worker reads the reservation again before its next WAIT and lets it go.
    const entry = (await primary.get(wkey))!;
    await primary
      .multi()
      .del(wkey)
      .rpush(key("queue:q"), JSON.stringify((JSON.parse(entry) as { payload: unknown }).payload))
      .exec();
    await waitFor("taken again from the queue", async () => (await primary.llen(key("queue:q"))) === 0);
    expect(g.runs).toBe(0);
    rs.thawReplica();
    await waitFor("run once the replica has it", () => g.runs === 1);
    g.open();
    await waitFor("finished", async () => (await primary.get(key("stat:processed"))) === "1");
    await waitFor("on the replica", async () => (await replica.get(key("stat:processed"))) === "1");
    expect(g.runs).toBe(1);
    expect(problems.length).toBe(1); // rate-limited: one line a minute, not one per retried WAIT
  });

  it("with 1, a settle the replica did not confirm, handed back by a failover, is written again, not run again", async () => {
    const namespace = testNamespace("ackr");
    const key = (k: string) => `${namespace}:${k}`;
    const plain = new Client({ redis: client(), namespace, registry });
    const { worker } = await startWorker(namespace, SHORT);
    const wkey = key(`worker:${worker.id}`);
    for (const fail of [false, true]) {
      const name = fail ? "lost-failure" : "lost-finish";
      const g = gate(name);
      await plain.enqueue("q", GateJob, { gate: name, fail });
      await waitFor("the job running", () => g.runs === 1); // its reservation confirmed
      const entry = (await primary.getBuffer(wkey))!;
      const stat = fail ? key("stat:failed") : key("stat:processed");
      const counted = Number(await primary.get(stat)) + 1;
      rs.freezeReplica();
      g.open();
      // Settled on the primary; the frozen replica confirms none of it.
      await waitFor("settled on the primary", async () => Number(await primary.get(stat)) === counted);
      await waitFor("the slot empty", async () => (await primary.exists(wkey)) === 0);
      // What a failover to the frozen replica leaves: the entry in the slot, the settle never made.
      const undo = primary.multi().set(wkey, entry).decr(stat);
      if (fail) undo.decr(key("stat:processed")).rpop(key("failed"));
      await undo.exec();
      // Handed back by the next reserve (flag "r"): settled again, not run again.
      await waitFor("settled again", async () => (await primary.exists(wkey)) === 0);
      expect(g.runs).toBe(1);
      expect(Number(await primary.get(stat))).toBe(counted); // counted once
      if (fail) expect(await primary.llen(key("failed"))).toBe(1);
      rs.thawReplica();
      await waitFor("confirmed on the replica", async () => Number(await replica.get(stat)) === counted);
    }
    expect(await primary.get(key("stat:processed"))).toBe("2");
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

    // The worker holds them (a job runs only once a replica has its reservation) and says so once.
    const { problems } = await startWorker(namespace, SHORT);
    await waitFor("the hold logged", () => problems.length > 0);
    expect(problems[0]).toMatch(/job\(s\) not stored on a replica within 300 ms \(0 of 1 confirmed\); holding them/);
    await c.enqueueMany([{ queue: "q", class: OkJob }]).catch(() => undefined);

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

    expect(await primary.get(key("stat:processed"))).toBeNull(); // held all along
    rs.thawReplica();
    await waitFor("drained once the replica is back", async () => (await primary.get(key("stat:processed"))) === "4");
    // The finishes alone may still say "carrying on" once; the hold is not said again.
    expect(problems.filter((p) => /holding them/.test(p)).length).toBe(1);
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
    // One WAIT per loop turn, shared by every slot that reserved in it (a job starts only once its
    // reservation is confirmed): about one per four jobs here; one per job would be ≥ 2,000.
    expect(waits).toBeLessThan(jobs / 2);
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
