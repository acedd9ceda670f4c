import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import {
  BaseJob,
  beat,
  Client,
  Connection,
  JobRegistry,
  parseWorkerId,
  pruneDeadWorkers,
  rawField,
  registerWorker,
  slotWorkerId,
  Worker,
} from "@/lib/resque";
import { loadEntries } from "../helpers/fixtures";
import { alive, cliEnv, startCli, type Running } from "../helpers/processes";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.kill("SIGKILL");
});

async function startSupervisor(queue: string, extra: Record<string, string> = {}) {
  const url = inject("redisUrl");
  const ns = testNamespace("sig");
  const redis = new Redis(url);
  const client = new Client({ redis, namespace: ns });
  const sup = startCli(["work"], cliEnv(url, ns, { QUEUE: queue, QUEUE_COUNT: "1", ...extra }));
  started.push(sup);
  const id = await waitFor("worker registered", async () => (await redis.smembers(`${ns}:workers`))[0], 60_000);
  const pid = Number(parseWorkerId(id).pid);
  return { redis, client, ns, sup, id, pid, key: (k: string) => `${ns}:${k}` };
}

const title = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();

describe("worker processes and signals", () => {
  it("registers as host:pid:queues with a title php's and Ruby's prune recognise, and a heartbeat", async () => {
    const { redis, id, pid, sup, key } = await startSupervisor("alpha,beta");
    expect(id).toBe(`${os.hostname()}:${pid}:alpha,beta`);
    expect(title(pid)).toMatch(/^resque-\d+\.\d+\.\d+: (Starting|Waiting for alpha,beta)/);
    await waitFor("waiting title", () => /^resque-\d+\.\d+\.\d+: Waiting for alpha,beta/.test(title(pid)));
    expect(title(pid)).toMatch(/resque-\d/); // Ruby's regex; php greps for "resque"
    const beat = await waitFor("heartbeat", () => redis.hget(key("workers:heartbeat"), id));
    expect(beat).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(await redis.get(key(`worker:${id}:started`))).toMatch(/Z$/);
    sup.kill("SIGQUIT");
    expect((await sup.exited).code).toBe(0);
    expect(await redis.smembers(key("workers"))).toEqual([]);
    expect(await redis.hget(key("workers:heartbeat"), id)).toBe(null);
    redis.disconnect();
  });

  it("QUIT finishes the current job, then exits", async () => {
    const { redis, client, sup, pid, key } = await startSupervisor("q");
    await client.enqueue("q", "RecordJob", { n: "quit", ms: 1500 });
    await waitFor("job started", async () => (await redis.sismember(key("test:started"), "quit")) === 1);
    sup.kill("SIGQUIT");
    expect((await sup.exited).code).toBe(0);
    expect(await redis.sismember(key("test:done"), "quit")).toBe(1);
    expect(await redis.llen(key("failed"))).toBe(0);
    expect(await redis.get(key("stat:processed"))).toBe("1");
    expect(alive(pid)).toBe(false);
    redis.disconnect();
  });

  it("TERM stops now: the job in flight becomes a dirty-exit failure with its payload", async () => {
    const { redis, client, sup, id, key } = await startSupervisor("q");
    const job = await client.enqueue("q", "RecordJob", { n: "term", ms: 20_000 });
    await waitFor("job started", async () => (await redis.sismember(key("test:started"), "term")) === 1);
    sup.kill("SIGTERM");
    expect((await sup.exited).code).toBe(0);
    const rec = JSON.parse((await redis.lindex(key("failed"), 0))!);
    expect(rec.exception).toBe("Resque::DirtyExit");
    expect(rec.worker).toBe(id);
    expect(JSON.stringify(rec.payload)).toBe(job.payload);
    expect(await redis.sismember(key("test:done"), "term")).toBe(0);
    expect(await redis.smembers(key("workers"))).toEqual([]);
    redis.disconnect();
  });

  it("a job that blocks the event loop is still settled when TERM escalates to SIGKILL", async () => {
    const { redis, client, sup, id, key } = await startSupervisor("q");
    await client.enqueue("q", "SpinJob", { ms: 60_000 });
    await waitFor("job in flight", () => redis.exists(key(`worker:${id}`)));
    sup.kill("SIGTERM");
    expect((await sup.exited).code).toBe(0);
    const rec = JSON.parse((await redis.lindex(key("failed"), 0))!);
    expect(rec.exception).toBe("Resque::DirtyExit");
    expect(rec.payload.class).toBe("SpinJob");
    redis.disconnect();
  }, 60_000);

  it("USR2 pauses and CONT resumes (relayed by the supervisor)", async () => {
    const { redis, client, sup, pid, key } = await startSupervisor("q");
    sup.kill("SIGUSR2");
    await waitFor("paused title", () => title(pid).includes("Paused"));
    await client.enqueue("q", "RecordJob", { n: "paused" });
    const t0 = Date.now();
    await waitFor("a few intervals", () => Date.now() - t0 > 1500);
    expect(await redis.llen(key("queue:q"))).toBe(1);
    sup.kill("SIGCONT");
    await waitFor("ran after CONT", async () => (await redis.sismember(key("test:done"), "paused")) === 1);
    sup.kill("SIGQUIT");
    await sup.exited;
    redis.disconnect();
  });

  it("a job from our own client starts without waiting for the poll interval", async () => {
    const { redis, client, sup, key } = await startSupervisor("q", { INTERVAL: "30" });
    // The worker has started blocking; with INTERVAL=30 only the wake-up list can start it early.
    await waitFor("blocked", async () => ((await redis.client("LIST")) as string).includes("cmd=blpop"));
    const t0 = Date.now();
    await client.enqueue("q", "RecordJob", { n: "fast" });
    await waitFor("ran", async () => (await redis.sismember(key("test:done"), "fast")) === 1, 20_000, 5);
    expect(Date.now() - t0).toBeLessThan(20_000);
    sup.kill("SIGQUIT");
    await sup.exited;
    redis.disconnect();
  });
});

class SafeJob extends BaseJob {
  static names = ["SafeJob"];
  static rerunOnDirtyExit = true;
  perform() {}
}

describe("dead-worker prune at start", () => {
  it("fails the in-flight job of a worker with an expired heartbeat, requeues a safe one, and removes dead same-host pids", async () => {
    const redis = new Redis(inject("redisUrl"));
    const namespace = testNamespace("prune");
    const conn = new Connection({ redis, namespace });
    const k = conn.keys;
    const stale = "otherhost:4242:mail";
    const staleSafe = "otherhost:4243:mail";
    const deadLocal = `${os.hostname()}:999999:mail`;
    const payload = '{"class":"Mailer","args":[{"to":"a\\/b"}],"id":"abc","queue_time":1795916392.5}';
    const entry = (p: string) => `{"queue":"mail","run_at":"2026-11-29T01:00:00Z","payload":${p}}`;
    await redis
      .multi()
      .sadd(k.workers, stale, staleSafe, deadLocal)
      .set(k.worker(stale), entry(payload))
      .set(k.worker(staleSafe), entry('{"class":"SafeJob","args":[{}]}'))
      .set(k.worker(deadLocal), entry('{"class":"Mailer","args":[{"n":2}]}'))
      .hset(k.heartbeat, stale, "2020-01-01T00:00:00+00:00", staleSafe, "2020-01-01T00:00:00+00:00")
      .exec();
    const report = await pruneDeadWorkers(conn, { selfId: "me:1:mail", registry: new JobRegistry([SafeJob]) });
    expect(report.pruned.map((p) => [p.id, p.reason, p.job]).sort()).toEqual(
      [
        [deadLocal, "same-host", "failed"],
        [stale, "heartbeat", "failed"],
        [staleSafe, "heartbeat", "requeued"],
      ].sort(),
    );
    const failed = (await redis.lrange(k.failed, 0, -1)).map((r) => JSON.parse(r));
    const staleRec = failed.find((f) => f.worker === stale)!;
    expect(staleRec.exception).toBe("Resque::PruneDeadWorkerDirtyExit");
    // The exact payload bytes (php's escaped slash included) are kept in the record.
    expect((await redis.lrange(k.failed, 0, -1)).find((r) => r.includes(stale))).toContain(`"payload":${payload}`);
    expect(failed.find((f) => f.worker === deadLocal)!.exception).toBe("Resque::DirtyExit");
    expect(await redis.lrange(k.queue("mail"), 0, -1)).toEqual(['{"class":"SafeJob","args":[{}]}']);
    expect(await redis.smembers(k.workers)).toEqual([]);
    expect(await redis.hlen(k.heartbeat)).toBe(0);
    expect(await redis.exists(k.pruningLock)).toBe(0);

    // A worker starting up runs the same prune.
    await redis.sadd(k.workers, `${os.hostname()}:999998:mail`);
    const w = new Worker({
      redis,
      namespace,
      registry: new JobRegistry([SafeJob]),
      queues: ["mail"],
      intervalSec: 0.2,
    });
    await w.start();
    expect(await redis.smembers(k.workers)).toEqual([w.id]);
    await w.stop();
    redis.disconnect();
  });

  it("settles at once the slots of a process killed with its supervisor, though their heartbeats are fresh, as Ruby does", async () => {
    // Captured by hand beside the real php-resque and Ruby resque (docs/interop.md): two slots'
    // in-flight records of an 8-slot process SIGKILLed with its supervisor, and the record Ruby's
    // own prune wrote for slot 0 a few seconds later, while the heartbeats were still fresh.
    const cap = loadEntries("interop-slots");
    const rubyRecord = cap["ruby/failed_record_prune_of_our_slot0"]!.raw;
    const redis = new Redis(inject("redisUrl"));
    const namespace = testNamespace("prune-killed");
    const conn = new Connection({ redis, namespace });
    const k = conn.keys;
    // A pid that has just exited stands for the killed process on this host.
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const [slot0, slot3] = [0, 3].map((i) => slotWorkerId(os.hostname(), deadPid, ["interop"], i)) as [string, string];
    // This test process is alive and not titled resque: a fresh heartbeat vouches for it.
    const embedded = `${os.hostname()}:${process.pid}:interop`;
    for (const id of [slot0, slot3, embedded]) await registerWorker(conn, id);
    await redis.set(k.worker(slot0), cap["ours/slot0_in_flight"]!.raw);
    await redis.set(k.worker(slot3), cap["ours/slot3_in_flight"]!.raw);
    await beat(conn, [slot0, slot3, embedded]);

    const report = await pruneDeadWorkers(conn, { selfId: "me:1:interop" });
    expect(report.pruned.map((p) => [p.id, p.reason, p.job]).sort()).toEqual(
      [
        [slot0, "same-host", "failed"],
        [slot3, "same-host", "failed"],
      ].sort(),
    );
    expect(await redis.smembers(k.workers)).toEqual([embedded]);
    const records = await redis.lrange(k.failed, 0, -1);
    const ours0 = records.find((r) => JSON.parse(r).worker === slot0)!;
    // The record Ruby writes for the same prune: same exception, same fields, same payload bytes.
    expect(JSON.parse(ours0).exception).toBe(JSON.parse(rubyRecord).exception);
    expect(Object.keys(JSON.parse(ours0))).toEqual(Object.keys(JSON.parse(rubyRecord)));
    expect(rawField(ours0, "payload")).toBe(rawField(rubyRecord, "payload"));
    expect(records.some((r) => r.includes('"n":"kill-4"') && JSON.parse(r).worker === slot3)).toBe(true);
    redis.disconnect();
  });

  it("never prunes a live node-resque worker (fresh ping, no resque in its command line), but does prune a reused pid", async () => {
    const redis = new Redis(inject("redisUrl"));
    const namespace = testNamespace("prune-node");
    const conn = new Connection({ redis, namespace });
    const k = conn.keys;
    // This test process is alive and its command line does not name resque, like node-resque's.
    const nodeWorker = `${os.hostname()}:${process.pid}:slowq`;
    const reusedPid = `${os.hostname()}:${process.pid}:php_queue`;
    await redis
      .multi()
      .sadd(k.workers, nodeWorker)
      .set(
        k.worker(nodeWorker),
        '{"run_at":"Sun Nov 29 2026 01:42:56 GMT+0000 (Coordinated Universal Time)","queue":"slowq","payload":{"class":"slowJob","args":{}}}',
      )
      .set(
        k.workerPing(`${os.hostname()}:${process.pid}`),
        JSON.stringify({
          time: Math.floor(Date.now() / 1000),
          name: `${os.hostname()}:${process.pid}`,
          queues: "slowq",
        }),
      )
      .exec();
    let report = await pruneDeadWorkers(conn, { selfId: "me:1:x" });
    expect(report.pruned).toEqual([]);
    expect(await redis.llen(k.failed)).toBe(0);
    // Without a ping, a live pid that is not a resque process is someone else's: the worker is gone.
    await redis
      .multi()
      .del(k.workerPing(`${os.hostname()}:${process.pid}`))
      .srem(k.workers, nodeWorker)
      .del(k.worker(nodeWorker))
      .sadd(k.workers, reusedPid)
      .exec();
    report = await pruneDeadWorkers(conn, { selfId: "me:1:x" });
    expect(report.pruned.map((p) => p.id)).toEqual([reusedPid]);
    redis.disconnect();
  });
});
