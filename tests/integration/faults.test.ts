import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { Client, parseWorkerId } from "@/lib/resque";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { alive, cliEnv, startCli, type Running } from "../helpers/processes";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
const servers: RedisServer[] = [];
afterAll(async () => {
  for (const s of started) s.kill("SIGKILL");
  for (const s of servers) await s.stop();
});

/** Pids of the registered worker processes (a process with N slots counts once). */
async function workerPids(redis: Redis, ns: string): Promise<number[]> {
  return [...new Set((await redis.smembers(`${ns}:workers`)).map((id) => Number(parseWorkerId(id).pid)))];
}

/** Pids of worker processes that have a job in flight right now, the busiest first. */
async function busyWorkerPids(redis: Redis, ns: string): Promise<number[]> {
  const ids = await redis.smembers(`${ns}:workers`);
  if (ids.length === 0) return [];
  const busy = await redis.mget(...ids.map((id) => `${ns}:worker:${id}`));
  const count = new Map<number, number>();
  ids.forEach((id, i) => {
    const pid = Number(parseWorkerId(id).pid);
    if (busy[i]) count.set(pid, (count.get(pid) ?? 0) + 1);
  });
  return [...count].sort((a, b) => b[1] - a[1]).map(([pid]) => pid);
}

describe("faults", () => {
  const killTest = (slots: number) => async () => {
    const url = inject("redisUrl");
    const ns = testNamespace(`kill${slots}`);
    const redis = new Redis(url);
    const client = new Client({ redis, namespace: ns });
    const sup = startCli(
      ["work"],
      cliEnv(url, ns, { QUEUE: "fault", QUEUE_COUNT: "2", WORKER_CONCURRENCY: String(slots) }),
    );
    started.push(sup);
    const allSlots = async () => (await redis.scard(`${ns}:workers`)) === 2 * slots;
    await waitFor("two workers", async () => (await workerPids(redis, ns)).length === 2 && allSlots(), 60_000);

    const N = 1000;
    // Even n: safe to re-run (back to the queue when killed); odd n: a killed run is a dirty exit.
    await client.enqueueMany(
      Array.from({ length: N }, (_, n) => ({
        queue: "fault",
        class: n % 2 ? "RecordJob" : "RerunnableJob",
        // Longer with 8 slots, so the queue outlasts a dozen kill-and-respawn rounds.
        args: { n, ms: slots > 1 ? 150 : 4 },
      })),
    );

    let kills = 0;
    const killed = new Set<number>();
    while (kills < 12) {
      const remaining = await redis.llen(`${ns}:queue:fault`);
      if (remaining < 100) break;
      const busy = (await busyWorkerPids(redis, ns)).filter((p) => !killed.has(p) && alive(p));
      if (busy.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      process.kill(busy[0]!, "SIGKILL");
      killed.add(busy[0]!);
      kills++;
      // Let the supervisor notice and respawn before the next kill.
      await waitFor(
        "respawned worker",
        async () => (await workerPids(redis, ns)).filter((p) => !killed.has(p)).length === 2 && allSlots(),
        60_000,
      );
    }
    expect(kills).toBeGreaterThanOrEqual(5);

    const failedOf = async () => (await redis.lrange(`${ns}:failed`, 0, -1)).map((r) => JSON.parse(r));
    await waitFor(
      "every job accounted for",
      async () => {
        const [queued, done, failures, ids] = await Promise.all([
          redis.llen(`${ns}:queue:fault`),
          redis.scard(`${ns}:test:done`),
          failedOf(),
          redis.smembers(`${ns}:workers`),
        ]);
        const inFlight = ids.length
          ? (await redis.mget(...ids.map((id) => `${ns}:worker:${id}`))).filter(Boolean).length
          : 0;
        if (queued || inFlight) return false;
        const doneSet = new Set(await redis.smembers(`${ns}:test:done`));
        const failedNs = failures.map((f) => f.payload.args[0].n as number).filter((n) => !doneSet.has(String(n)));
        return done + failedNs.length === N;
      },
      120_000,
      100,
    );
    const failures = await failedOf();
    // Every failure is a dirty exit of a job that is not safe to re-run, with its payload intact.
    for (const f of failures) {
      expect(f.exception).toBe("Resque::DirtyExit");
      expect(f.payload.class).toBe("RecordJob");
      expect(f.queue).toBe("fault");
      expect(typeof f.payload.id).toBe("string");
    }
    // A kill settles at most one job per slot of the killed process.
    expect(failures.length).toBeLessThanOrEqual(kills * slots);
    // None ran twice unless its class allows it: a killed RecordJob is a failure, never a re-run.
    const runs = await redis.mget(...Array.from({ length: N / 2 }, (_, i) => `${ns}:test:runs:${2 * i + 1}`));
    expect(runs.filter((r) => Number(r) > 1)).toEqual([]);
    // Re-runnable jobs were never failed: the ones killed mid-run went back and ran again.
    const done = new Set(await redis.smembers(`${ns}:test:done`));
    for (let n = 0; n < N; n += 2) expect(done.has(String(n))).toBe(true);
    sup.kill("SIGTERM");
    await sup.exited;
    redis.disconnect();
  };
  it(
    "1,000 jobs with worker processes SIGKILLed repeatedly mid-job: every job is done, a dirty-exit failure, or re-run",
    killTest(1),
    240_000,
  );
  it(
    "the same with 8 slots per process: a SIGKILL settles all 8 jobs in flight at once, none lost",
    killTest(8),
    240_000,
  );

  it("Redis restarted mid-run: workers reconnect and go on, no job lost", async () => {
    const server = await startRedisServer({ persist: true });
    servers.push(server);
    const ns = testNamespace("restart");
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on("error", () => {});
    const client = new Client({ redis, namespace: ns });
    const sup = startCli(["work"], cliEnv(server.url, ns, { QUEUE: "r", QUEUE_COUNT: "2" }));
    started.push(sup);
    await waitFor("two workers", async () => (await workerPids(redis, ns)).length === 2, 60_000);
    const N = 300;
    await client.enqueueMany(
      Array.from({ length: N }, (_, n) => ({ queue: "r", class: "RerunnableJob", args: { n, ms: 10 } })),
    );
    await waitFor("some done", async () => (await redis.scard(`${ns}:test:done`)) > 30, 60_000);
    await server.restart();
    await waitFor("all done after the restart", async () => (await redis.scard(`${ns}:test:done`)) === N, 120_000, 100);
    expect(await redis.llen(`${ns}:queue:r`)).toBe(0);
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
    // A job enqueued after the restart still starts promptly: the blocking wait reconnected too.
    await client.enqueue("r", "RerunnableJob", { n: "after" });
    await waitFor("job after restart", async () => (await redis.sismember(`${ns}:test:done`, "after")) === 1, 30_000);
    expect(sup.proc.exitCode).toBe(null);
    sup.kill("SIGTERM");
    await sup.exited;
    redis.disconnect();
  }, 240_000);

  it("supervisor SIGKILLed: its workers finish their jobs and leave; a new supervisor runs the rest", async () => {
    const url = inject("redisUrl");
    const ns = testNamespace("supkill");
    const redis = new Redis(url);
    const client = new Client({ redis, namespace: ns });
    const env = cliEnv(url, ns, { QUEUE: "s", QUEUE_COUNT: "2" });
    const sup = startCli(["work"], env);
    started.push(sup);
    await waitFor("two workers", async () => (await workerPids(redis, ns)).length === 2, 60_000);
    const pids = await workerPids(redis, ns);
    await client.enqueueMany(
      Array.from({ length: 40 }, (_, n) => ({ queue: "s", class: "RecordJob", args: { n, ms: 50 } })),
    );
    await waitFor("a job in flight", async () => (await busyWorkerPids(redis, ns)).length > 0);
    sup.kill("SIGKILL");
    await waitFor("orphaned workers exit", () => pids.every((p) => !alive(p)), 60_000);
    expect(await redis.smembers(`${ns}:workers`)).toEqual([]);
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
    const sup2 = startCli(["work"], env);
    started.push(sup2);
    await waitFor("all 40 done", async () => (await redis.scard(`${ns}:test:done`)) === 40, 60_000);
    expect(await redis.llen(`${ns}:failed`)).toBe(0);
    sup2.kill("SIGTERM");
    await sup2.exited;
    redis.disconnect();
  }, 180_000);
});
