/**
 * The scheduler under failure and concurrency (docs/resque-protocol.md#delayed-jobs,
 * docs/resque-protocol.md#scheduler-locks, docs/resque-protocol.md#recurring-schedules): two scheduler
 * processes sharing resque-scheduler's master lock while the leader is SIGKILLed mid-run, and two
 * in-process schedulers firing one recurring schedule exactly once per slot through an edit, a
 * disable and a clean leader hand-over.
 */
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import {
  Client,
  Connection,
  Scheduler,
  makeKeys,
  saveSchedule,
  setScheduleEnabled,
  type EnqueuedJob,
  type SchedulerRecord,
} from "@/lib/resque";
import { alive, cliEnv, startCli, type Running } from "../helpers/processes";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
const schedulers: Scheduler[] = [];
const connections: Redis[] = [];
afterAll(async () => {
  for (const s of started) s.kill("SIGKILL");
  for (const s of schedulers) await s.stop().catch(() => {});
  for (const r of connections) r.disconnect();
});

function connect(url: string): Redis {
  const r = new Redis(url);
  connections.push(r);
  return r;
}

async function records(redis: Redis, key: string): Promise<Record<string, SchedulerRecord>> {
  const out: Record<string, SchedulerRecord> = {};
  for (const [id, json] of Object.entries(await redis.hgetall(key))) out[id] = JSON.parse(json) as SchedulerRecord;
  return out;
}

interface QueuedJob {
  raw: string;
  class: string;
  args: Array<{ n: unknown }>;
  id: string;
  queue_time: number;
}

const parseJob = (raw: string): QueuedJob => ({ raw, ...(JSON.parse(raw) as Omit<QueuedJob, "raw">) });

describe("scheduler", () => {
  it("two scheduler processes, the leader SIGKILLed mid-run: the standby takes over and every delayed item is queued exactly once", async () => {
    const url = inject("redisUrl");
    const ns = testNamespace("sched-kill");
    const k = makeKeys(ns);
    const redis = connect(url);
    const client = new Client({ redis, namespace: ns });
    const env = cliEnv(url, ns, { LOCK_TIMEOUT: "2" });
    const procs = [startCli(["scheduler"], env), startCli(["scheduler"], env)];
    started.push(...procs);
    const pids = procs.map((p) => p.proc.pid!);
    const lockOf = (pid: number) => `${os.hostname()}:${pid}`;

    // Both are up: one leader holding the lock as <host>:<pid>, one standby.
    const first = await waitFor(
      "a leader and a standby",
      async () => {
        const recs = Object.values(await records(redis, k.schedulers));
        const lock = await redis.get(k.schedulerMasterLock);
        const roles = recs.map((r) => r.role).sort();
        return recs.length === 2 && roles[0] === "leader" && roles[1] === "standby" && lock !== null ? lock : null;
      },
      60_000,
    );
    expect(pids.map(lockOf)).toContain(first);

    // ~2,000 items: 1,500 spread over the next 3–6 seconds (four timestamps), then 500 already due.
    const N = 2000;
    const DUE = 500;
    const queueOf = (n: number) => (n % 2 ? "odd" : "even");
    const base = Math.floor(Date.now() / 1000);
    const seeded: EnqueuedJob[] = await Promise.all(
      Array.from({ length: N - DUE }, (_, i) => {
        const n = DUE + i;
        return client.enqueueAt(base + 3 + (i % 4) + 0.5, queueOf(n), "RecordJob", { n });
      }),
    );
    expect(seeded.every((j) => j.at !== undefined)).toBe(true); // scheduled, not enqueued at once
    // enqueueAt enqueues a past time at once, so due items go in the way a retry's backoff does.
    seeded.push(
      ...(await Promise.all(
        Array.from({ length: DUE }, (_, n) =>
          client.schedule(base - 1 - (n % 3), {
            queue: queueOf(n),
            className: "RecordJob",
            argsArray: [{ n }],
            payload: "",
          }),
        ),
      )),
    );
    expect(seeded).toHaveLength(N);

    const queued = async () => (await redis.llen(k.queue("even"))) + (await redis.llen(k.queue("odd")));
    // Kill as soon as the leader has begun on the future items (the due ones went first), so it
    // dies while moving, with most timestamps still to do.
    // Whoever holds the lock right then is the victim.
    await waitFor("some items moved", async () => (await queued()) > DUE, 30_000, 2);
    const leaderLock = await waitFor("a lock holder", () => redis.get(k.schedulerMasterLock), 30_000, 5);
    const victim = procs.find((p) => lockOf(p.proc.pid!) === leaderLock);
    expect(victim, `lock ${leaderLock} held by one of ${pids.join(", ")}`).toBeDefined();
    const survivor = procs.find((p) => p !== victim)!;
    victim!.kill("SIGKILL");
    const killedAt = Date.now();
    const [leftAtKill, queuedAtKill] = [await redis.zcard(k.delayedSchedule), await queued()];
    expect(leftAtKill, "items still scheduled when the leader died").toBeGreaterThan(0);
    expect(await victim!.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(alive(victim!.proc.pid!)).toBe(false);

    // The standby takes the lock once the dead leader's lock expires (LOCK_TIMEOUT=2).
    await waitFor(
      "the standby takes the lock",
      async () => (await redis.get(k.schedulerMasterLock)) === lockOf(survivor.proc.pid!),
      30_000,
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(30_000);

    await waitFor(
      "every item queued",
      async () => (await queued()) >= N && (await redis.zcard(k.delayedSchedule)) === 0,
      90_000,
      50,
    );
    // Let a last tick pass: nothing more may appear.
    const tick0 = (await records(redis, k.schedulers))[lockOf(survivor.proc.pid!)]!.lastTickAt;
    await waitFor(
      "another tick of the new leader",
      async () => (await records(redis, k.schedulers))[lockOf(survivor.proc.pid!)]!.lastTickAt > tick0,
      30_000,
    );

    const seen = new Map<number, string>();
    for (const q of ["even", "odd"]) {
      for (const raw of await redis.lrange(k.queue(q), 0, -1)) {
        expect(raw).toMatch(
          /^\{"class":"RecordJob","args":\[\{"n":\d+\}\],"id":"[0-9a-f]{32}","queue_time":\d+(\.\d+)?\}$/,
        );
        const job = parseJob(raw);
        expect(job.class).toBe("RecordJob");
        expect(job.id).toMatch(/^[0-9a-f]{32}$/);
        expect(typeof job.queue_time).toBe("number");
        expect(job.queue_time).toBeGreaterThan(base - 60);
        const n = job.args[0]!.n as number;
        expect(queueOf(n), `item ${n} in queue ${q}`).toBe(q);
        // Never moved before its timestamp.
        if (n >= DUE) expect(job.queue_time, `item ${n}`).toBeGreaterThanOrEqual(base + 3 + ((n - DUE) % 4));
        expect(seen.has(n), `item ${n} queued twice:\n${seen.get(n)}\n${raw}`).toBe(false);
        seen.set(n, raw);
      }
    }
    expect(seen.size).toBe(N);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, n) => n));
    expect(new Set([...seen.values()].map((r) => parseJob(r).id)).size).toBe(N);

    // Nothing left behind: the schedule, every `delayed:<ts>` list and every `timestamps:<item>` set.
    expect(await redis.zcard(k.delayedSchedule)).toBe(0);
    const timestampKeys = [...new Set(seeded.map((j) => j.at!))].map((ts) => k.delayed(ts));
    expect(timestampKeys.length).toBe(7);
    const indexKeys = seeded.map((j) => k.timestamps(j.payload));
    expect(new Set(indexKeys).size).toBe(N);
    const left = await redis.exists(...timestampKeys, ...indexKeys);
    expect(left).toBe(0);
    expect(await redis.llen(k.failed)).toBe(0);

    // The new leader did real work and says so; the dead one's record is stale.
    const recs = await records(redis, k.schedulers);
    const mine = recs[lockOf(survivor.proc.pid!)]!;
    expect(mine).toMatchObject({ role: "leader", pid: survivor.proc.pid, host: os.hostname() });
    expect(mine.moved).toBeGreaterThan(0);
    const dead = recs[lockOf(victim!.proc.pid!)]!;
    // (The dead one's count stops at its last completed tick, so it may be short, never over.)
    expect(mine.moved + dead.moved).toBeLessThanOrEqual(N);

    // A clean stop releases the lock and the record.
    survivor.kill("SIGTERM");
    expect((await survivor.exited).code).toBe(0);
    expect(await redis.get(k.schedulerMasterLock)).toBe(null);
    expect(await redis.hexists(k.schedulers, lockOf(survivor.proc.pid!))).toBe(0);
    if (process.env.SCHED_TEST_TIMINGS)
      console.log(
        `leader killed with ${queuedAtKill} queued, ${leftAtKill} timestamps left; takeover after ${takeoverMs} ms`,
      );
  }, 180_000);

  it("a recurring every-1s schedule with two schedulers fires each slot once, follows an edit, stops when disabled, and survives a clean leader hand-over", async () => {
    const url = inject("redisUrl");
    const ns = testNamespace("sched-rec");
    const k = makeKeys(ns);
    const redis = connect(url);
    const conn = new Connection({ redis, namespace: ns });
    const a = new Scheduler({ redis: connect(url), namespace: ns, id: "a", tickSec: 0.2, lockTimeoutSec: 30 });
    const b = new Scheduler({ redis: connect(url), namespace: ns, id: "b", tickSec: 0.2, lockTimeoutSec: 30 });
    schedulers.push(a, b);
    const firedBy = { a: 0, b: 0 };
    const errors: Error[] = [];
    for (const s of [a, b]) {
      s.on("fired", (f) => (firedBy[s.id as "a" | "b"] += f.length));
      s.on("error", (e) => errors.push(e));
    }
    await a.start();
    await b.start();
    await waitFor(
      "one leader, one standby",
      async () => {
        const recs = await records(redis, k.schedulers);
        const lock = await redis.get(k.schedulerMasterLock);
        return (
          recs.a &&
          recs.b &&
          lock &&
          recs[lock]?.role === "leader" &&
          recs[lock === "a" ? "b" : "a"]!.role === "standby"
        );
      },
      30_000,
    );
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);

    // Sample the last fired slot all along: it only moves forward, in whole seconds.
    const slots: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const v = await redis.hget(k.scheduleLastSlot, "every-second");
        if (v !== null && slots[slots.length - 1] !== Number(v)) slots.push(Number(v));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const secondsOf = (raws: string[]) => raws.map((r) => Math.floor(parseJob(r).queue_time));
    const snapshot = async () => {
      const res = (await redis
        .multi()
        .lrange(k.queue("rec"), 0, -1)
        .lrange(k.queue("rec2"), 0, -1)
        .hget(k.scheduleLastSlot, "every-second")
        .exec())!;
      const last = res[2]![1] as string | null;
      return { rec: res[0]![1] as string[], rec2: res[1]![1] as string[], last: last === null ? null : Number(last) };
    };

    const savedAt = Date.now();
    await saveSchedule(conn, {
      name: "every-second",
      className: "RecordJob",
      every: "1s",
      queue: "rec",
      args: { n: "tick" },
    });
    await waitFor("five firings into rec", async () => (await redis.llen(k.queue("rec"))) >= 5, 60_000, 50);
    const s1 = await snapshot();
    const recSeconds = secondsOf(s1.rec);
    // One job per slot: as many jobs as distinct seconds fired, in order.
    expect(new Set(recSeconds).size).toBe(s1.rec.length);
    expect([...recSeconds].sort((x, y) => x - y)).toEqual(recSeconds);
    expect(s1.last).toBe(recSeconds[recSeconds.length - 1]! * 1000);
    // A new entry records its current slot first and never fires at once.
    expect(recSeconds[0]!).toBeGreaterThan(Math.floor(savedAt / 1000));
    for (const raw of s1.rec) {
      const job = parseJob(raw);
      expect(job).toMatchObject({ class: "RecordJob", args: [{ n: "tick" }] });
      expect(job.id).toMatch(/^[0-9a-f]{32}$/);
    }

    // Edit: same name, another queue. Firings after the edit land in rec2 only.
    await saveSchedule(conn, {
      name: "every-second",
      className: "RecordJob",
      every: "1s",
      queue: "rec2",
      args: { n: "tick" },
    });
    const recAtEdit = await redis.llen(k.queue("rec"));
    await waitFor("three firings into rec2", async () => (await redis.llen(k.queue("rec2"))) >= 3, 60_000, 50);
    const s2 = await snapshot();
    expect(s2.rec.length).toBe(recAtEdit);
    const rec2Seconds = secondsOf(s2.rec2);
    const allSeconds = secondsOf(s2.rec).concat(rec2Seconds);
    expect(new Set(allSeconds).size).toBe(allSeconds.length);
    expect(Math.min(...rec2Seconds)).toBeGreaterThan(Math.max(...secondsOf(s2.rec)));
    expect(s2.last).toBe(rec2Seconds[rec2Seconds.length - 1]! * 1000);

    // Disable: no firing over two more slot boundaries that the leader ticked through.
    expect(await setScheduleEnabled(conn, "every-second", false)).toBe(true);
    const s3 = await snapshot();
    const disabledAt = Date.now();
    await waitFor(
      "the leader ticking 2.2 s after the disable",
      async () => {
        const recs = await records(redis, k.schedulers);
        const leader = Object.values(recs).find((r) => r.role === "leader");
        return leader && Date.parse(leader.lastTickAt) > disabledAt + 2200;
      },
      60_000,
      50,
    );
    const s4 = await snapshot();
    expect(s4.rec).toEqual(s3.rec);
    expect(s4.rec2).toEqual(s3.rec2);
    expect(s4.last).toBe(s3.last);

    sampling = false;
    await sampler;
    // Every sampled slot is the initial slot (recorded without firing) or a slot that fired.
    const fired = new Set(allSeconds.concat(secondsOf(s4.rec2)).map((s) => s * 1000));
    expect(slots.length).toBeGreaterThan(3);
    expect(slots.every((v) => v % 1000 === 0)).toBe(true);
    expect([...slots].sort((x, y) => x - y)).toEqual(slots);
    const unfired = slots.filter((v) => !fired.has(v));
    expect(unfired.length, `sampled slots that never fired: ${unfired.join(", ")}`).toBeLessThanOrEqual(1);
    if (unfired.length) expect(unfired[0]).toBe(slots[0]);
    expect(slots[0]!).toBeLessThanOrEqual(Math.min(...fired));
    // Only the leader fired, and the events agree with the queues.
    expect(firedBy.a + firedBy.b).toBe(s4.rec.length + s4.rec2.length);
    expect(Math.min(firedBy.a, firedBy.b)).toBe(0);

    // Stopping the leader releases the lock: the other takes over within a tick or two, long
    // before the 30 s lock would expire.
    const leader = a.isLeader ? a : b;
    const other = leader === a ? b : a;
    await leader.stop();
    const stoppedAt = Date.now();
    expect([null, other.id]).toContain(await redis.get(k.schedulerMasterLock));
    expect(await redis.hexists(k.schedulers, leader.id)).toBe(0);
    await waitFor(
      "the other scheduler leads",
      async () => other.isLeader && (await redis.get(k.schedulerMasterLock)) === other.id,
      30_000,
      10,
    );
    const handoverMs = Date.now() - stoppedAt;
    expect(handoverMs).toBeLessThan(5_000);
    await waitFor(
      "its record says leader",
      async () => (await records(redis, k.schedulers))[other.id]?.role === "leader",
      30_000,
    );

    await other.stop();
    expect(await redis.get(k.schedulerMasterLock)).toBe(null);
    expect(await redis.hlen(k.schedulers)).toBe(0);
    expect(errors).toEqual([]);
    if (process.env.SCHED_TEST_TIMINGS)
      console.log(
        `rec ${s4.rec.length}, rec2 ${s4.rec2.length}, fired a=${firedBy.a} b=${firedBy.b}; hand-over after ${handoverMs} ms`,
      );
  }, 180_000);
});
