/**
 * Concurrency slots (docs/resque-protocol.md#concurrency-slots), with real worker processes: N jobs
 * at once per process, every slot a Resque worker that php-resque's and Ruby resque's same-host
 * prunes (re-created below from their source) leave alone, node-resque's API listing every slot,
 * per-class limits, and TERM/QUIT/USR2 with N jobs in flight.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { Client, Connection, parseWorkerId, pruneWorker, slotWorkerId } from "@/lib/resque";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { startNodeQueue } from "../helpers/node-resque-interop";
import { runCliInProcess } from "../helpers/cli";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.killTree();
});

async function startWorkers(slots: number, label: string) {
  const url = inject("redisUrl");
  const ns = testNamespace(label);
  const redis = new Redis(url);
  const client = new Client({ redis, namespace: ns });
  const sup = startCli(["work"], cliEnv(url, ns, { QUEUE: "c", QUEUE_COUNT: "1", WORKER_CONCURRENCY: String(slots) }));
  started.push(sup);
  const ids = await waitFor(
    `${slots} slots registered`,
    async () => {
      const got = await redis.smembers(`${ns}:workers`);
      return got.length === slots ? got.sort() : null;
    },
    60_000,
  );
  const pid = Number(parseWorkerId(ids[0]!).pid);
  const key = (k: string) => `${ns}:${k}`;
  const startedOf = async (prefix = "") =>
    (await redis.smembers(key("test:started"))).filter((n) => n.startsWith(prefix)).sort();
  const release = (n: string) => redis.rpush(key(`test:release:${n}`), "go");
  return { redis, client, ns, sup, ids, pid, key, startedOf, release };
}

const blockJobs = (n: number, prefix = "b", cls = "BlockJob") =>
  Array.from({ length: n }, (_, i) => ({ queue: "c", class: cls, args: { n: `${prefix}${i}` } }));

/**
 * php-resque v1.3.6 `Resque_Worker::pruneDeadWorkers`, line for line: pids of `ps -A -o pid,command`
 * lines that contain "resque"; `explode(':', $id, 3)`; skip when the host differs, the pid is
 * among them, or it is the pruner's own; else unregister.
 */
function phpPruneVictims(ids: string[]): string[] {
  const lines = execFileSync("ps", ["-A", "-o", "pid,command"], { encoding: "utf8" }).split("\n");
  const pids = lines.filter((l) => l.includes("resque")).map((l) => l.trim().split(" ", 1)[0]!);
  return ids.filter((id) => {
    const [host, pid] = id.split(":", 3);
    return !(host !== os.hostname() || pids.includes(pid!) || pid === String(process.pid));
  });
}

/**
 * Ruby resque 3.0.0 `Worker#prune_dead_workers` (for a pruner on `*`): heartbeats older than
 * 300 s by the Redis clock are pruned on any host; then `host, pid, queues = id.split(':')`, and a
 * worker on this host whose pid is not among `ps -A -o pid,args` lines matching `resque:work`,
 * `resque: Starting` or `resque-<digit>` (resque-web excluded) is pruned.
 */
async function rubyPruneVictims(redis: Redis, ns: string, ids: string[]): Promise<string[]> {
  const beats = await redis.hgetall(`${ns}:workers:heartbeat`);
  const [sec] = await redis.time();
  const expired = ids.filter((id) => beats[id] && Number(sec) - Date.parse(beats[id]!) / 1000 > 300);
  const lines = execFileSync("ps", ["-A", "-o", "pid,args"], { encoding: "utf8" }).split("\n");
  const known = lines
    .filter((l) => /resque:work|resque: Starting|resque-[0-9]/.test(l) && !/resque-web/.test(l))
    .map((l) => l.trim().split(" ")[0]!);
  const local = ids.filter((id) => {
    if (expired.includes(id)) return false;
    const [host, pid] = id.split(":");
    return host === os.hostname() && !known.includes(pid!);
  });
  return [...expired, ...local];
}

const title = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();

describe("concurrency slots", () => {
  it("runs N jobs at once, each slot a worker of its own that php's and Ruby's prunes spare and node-resque lists", async () => {
    const w = await startWorkers(4, "slots");
    const { redis, client, ns, ids, pid, key } = w;
    expect(ids).toEqual([0, 1, 2, 3].map((i) => slotWorkerId(os.hostname(), pid, ["c"], i)).sort());
    await client.enqueueMany(blockJobs(5));
    await waitFor("4 jobs in flight", async () => (await w.startedOf()).length === 4);
    const entries = await redis.mget(...ids.map((id) => key(`worker:${id}`)));
    expect(entries.every(Boolean)).toBe(true);
    // Every slot is busy, so the fifth job stays queued: N in flight, never N + 1.
    expect(await redis.llen(key("queue:c"))).toBe(1);
    expect(await w.startedOf()).toHaveLength(4);
    const beats = await waitFor("a heartbeat per slot", async () => {
      const b = await redis.hgetall(key("workers:heartbeat"));
      return ids.every((id) => b[id]) ? b : null;
    });
    expect(Object.keys(beats).sort()).toEqual(ids);
    for (const id of ids) expect(await redis.get(key(`worker:${id}:started`))).toMatch(/Z$/);

    // `status` shows the process with its slots busy and free.
    const status = await runCliInProcess(["status"], cliEnv(inject("redisUrl"), ns));
    expect(status.stdout).toMatch(new RegExp(`^${os.hostname()}:${pid} +4 +4 +0$`, "m"));
    const json = JSON.parse((await runCliInProcess(["status", "--json"], cliEnv(inject("redisUrl"), ns))).stdout);
    expect(json.processes).toEqual([{ host: os.hostname(), pid: String(pid), slots: 4, busy: 4, free: 0 }]);

    // php's and Ruby's same-host prune, run beside our busy slots, prune none of them.
    expect(phpPruneVictims(ids)).toEqual([]);
    expect(await rubyPruneVictims(redis, ns, ids)).toEqual([]);
    // ...and would prune a dead process's slot 0 by its real pid (the check is not vacuous).
    const dead = slotWorkerId(os.hostname(), 999_999, ["c"], 0);
    expect(phpPruneVictims([dead])).toEqual([dead]);
    expect(await rubyPruneVictims(redis, ns, [dead])).toEqual([dead]);

    // Ruby's Worker.find / php's find: split(':', 3) → host, the real pid, the queue list.
    for (const id of ids) {
      const [, p, queues] = id.split(":", 3);
      expect([p, queues]).toEqual([String(pid), "c"]);
    }
    // Each entry is Ruby's {queue, run_at, payload} plus node-resque's `worker` name.
    for (const e of entries) expect(Object.keys(JSON.parse(e!))).toEqual(["queue", "run_at", "payload", "worker"]);

    // node-resque's real API: one worker per slot, and what each slot works on.
    const nq = await startNodeQueue(ns);
    try {
      const workers = await nq.it.workers();
      const names = ids.map((id) => id.split(":").slice(0, 2).join(":"));
      expect(Object.keys(workers).sort()).toEqual(names.sort());
      expect(Object.values(workers)).toEqual(["c", "c", "c", "c"]);
      const working = (await nq.it.allWorkingOn()) as unknown as Record<string, { payload: { class: string } }>;
      for (const n of names) expect(working[n]?.payload.class).toBe("BlockJob");
    } finally {
      await nq.stop();
    }

    // A released slot takes the fifth job; then all finish, each counted on its own slot.
    const first = (await w.startedOf())[0]!;
    await w.release(first);
    await waitFor("fifth job started", async () => (await w.startedOf()).length === 5);
    for (const n of await w.startedOf()) if (n !== first) await w.release(n);
    await waitFor("all done", async () => (await redis.scard(key("test:done"))) === 5);
    await waitFor("all counted", async () => (await redis.get(key("stat:processed"))) === "5");
    const perSlot = await redis.mget(...ids.map((id) => key(`stat:processed:${id}`)));
    expect(perSlot.reduce((a, v) => a + Number(v ?? 0), 0)).toBe(5);
    expect(perSlot.filter((v) => Number(v) > 0).length).toBeGreaterThanOrEqual(4);
    w.sup.kill("SIGQUIT");
    expect((await w.sup.exited).code).toBe(0);
    expect(await redis.smembers(key("workers"))).toEqual([]);
    expect(await redis.hlen(key("workers:heartbeat"))).toBe(0);
    redis.disconnect();
  }, 120_000);

  it("a class limited to one per process runs one at a time while the queue's other jobs use the free slots", async () => {
    const w = await startWorkers(4, "limit");
    const { redis, client, key } = w;
    await client.enqueueMany([
      ...blockJobs(3, "L", "LimitedBlockJob"),
      ...Array.from({ length: 60 }, (_, i) => ({ queue: "c", class: "RecordJob", args: { n: `r${i}` } })),
    ]);
    await waitFor("the other 60 done", async () => (await redis.scard(key("test:done"))) === 60, 60_000);
    expect(await w.startedOf("L")).toHaveLength(1);
    expect(await redis.llen(key("queue:c"))).toBe(2);
    for (let round = 1; round <= 3; round++) {
      const running = await w.startedOf("L");
      expect(running).toHaveLength(round);
      await w.release(running.at(-1)!);
      if (round < 3)
        await waitFor(`limited job ${round + 1} started`, async () => (await w.startedOf("L")).length === round + 1);
      expect((await w.startedOf("L")).length).toBeLessThanOrEqual(round + 1);
    }
    await waitFor("all 63 done", async () => (await redis.scard(key("test:done"))) === 63);
    expect(await redis.llen(key("failed"))).toBe(0);
    w.sup.kill("SIGQUIT");
    await w.sup.exited;
    redis.disconnect();
  }, 120_000);

  it("TERM with N in flight: every slot's job becomes a dirty-exit failure under its own slot id", async () => {
    const w = await startWorkers(3, "term");
    const { redis, client, ids, key } = w;
    await client.enqueueMany(blockJobs(3));
    await waitFor("3 in flight", async () => (await w.startedOf()).length === 3);
    w.sup.kill("SIGTERM");
    expect((await w.sup.exited).code).toBe(0);
    const failed = (await redis.lrange(key("failed"), 0, -1)).map((r) => JSON.parse(r));
    expect(failed.map((f) => f.exception)).toEqual(Array(3).fill("Resque::DirtyExit"));
    expect(failed.map((f) => f.worker).sort()).toEqual(ids);
    expect(await redis.smembers(key("workers"))).toEqual([]);
    redis.disconnect();
  }, 120_000);

  it("QUIT with N in flight finishes all N, then exits; USR2 lets the N finish and takes nothing new until CONT", async () => {
    const w = await startWorkers(3, "quit");
    const { redis, client, pid, key } = w;
    await client.enqueueMany(blockJobs(3));
    await waitFor("3 in flight", async () => (await w.startedOf()).length === 3);
    w.sup.kill("SIGUSR2");
    await waitFor("paused title", () => title(pid).includes("Paused"));
    await client.enqueueMany(blockJobs(2, "p"));
    for (const n of await w.startedOf()) await w.release(n);
    await waitFor("the 3 finished", async () => (await redis.scard(key("test:done"))) === 3);
    await waitFor("counted", async () => (await redis.get(key("stat:processed"))) === "3");
    const t0 = Date.now();
    await waitFor("a few intervals", () => Date.now() - t0 > 1500);
    expect(await redis.llen(key("queue:c"))).toBe(2);
    w.sup.kill("SIGCONT");
    await waitFor("2 more in flight", async () => (await w.startedOf("p")).length === 2);
    w.sup.kill("SIGQUIT");
    // QUIT waits for both: release them only now, and the process still finishes them.
    for (const n of await w.startedOf("p")) await w.release(n);
    expect((await w.sup.exited).code).toBe(0);
    expect(await redis.scard(key("test:done"))).toBe(5);
    expect(await redis.llen(key("failed"))).toBe(0);
    expect(await redis.get(key("stat:processed"))).toBe("5");
    redis.disconnect();
  }, 120_000);
});

describe("slot ids", () => {
  it("parse back to host, the real pid and the slot, and a pruned slot settles only its own job", async () => {
    expect(parseWorkerId("vm+3:4711:a,b")).toEqual({ host: "vm", pid: "4711", queues: ["a", "b"], slot: 3 });
    expect(parseWorkerId("vm:4711:a")).toMatchObject({ host: "vm", slot: 0 });
    const redis = new Redis(inject("redisUrl"));
    const conn = new Connection({ redis, namespace: testNamespace("slotprune") });
    const [a, b] = [0, 1].map((i) => slotWorkerId("deadhost", 4711, ["c"], i)) as [string, string];
    const entry = (n: number) => `{"queue":"c","run_at":"2026-11-29T01:00:00Z","payload":{"class":"X","args":[${n}]}}`;
    await redis
      .multi()
      .sadd(conn.keys.workers, a, b)
      .set(conn.keys.worker(a), entry(1))
      .set(conn.keys.worker(b), entry(2))
      .exec();
    expect(await pruneWorker(conn, b)).toMatchObject({ job: "failed" });
    expect(await redis.smembers(conn.keys.workers)).toEqual([a]);
    expect(await redis.get(conn.keys.worker(a))).toBe(entry(1));
    redis.disconnect();
  });
});
