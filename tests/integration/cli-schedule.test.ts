/**
 * The CLI's delayed-job and recurring-schedule commands: enqueue-in / enqueue-at with the
 * scheduler inside `work` (a real supervisor process from the bundle, dist/workers/cli.mjs, shared
 * by the tests that need jobs to run), their input errors, `delayed [--json]`, and
 * `schedule list|add|rm|enable|disable|run`. The commands themselves run in this process through
 * main(argv, io) (tests/helpers/cli.ts): a process per command cost ~0.6 s here.
 */
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Redis } from "ioredis";
import { Client, makeKeys } from "@/lib/resque";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { runCliInProcess as cli } from "../helpers/cli";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
const connections: Redis[] = [];
afterAll(() => {
  for (const s of started) s.kill("SIGKILL");
  for (const r of connections) r.disconnect();
});

function ctx(label = "clisched") {
  const url = inject("redisUrl");
  const ns = testNamespace(label);
  const redis = new Redis(url);
  connections.push(redis);
  return { url, ns, redis, k: makeKeys(ns), env: cliEnv(url, ns) };
}

const EMAIL = '{"to":"ops@example.com","subject":"Nightly numbers","body":"see attachment"}';
const PAYLOAD = /^\{"class":"([^"\\]|\\.)+","args":\[.*\],"id":"[0-9a-f]{32}","queue_time":\d+(\.\d+)?\}$/;

/** Starts `work` (workers plus the scheduler) and waits for a worker and the scheduler lock. */
async function startWork(c: ReturnType<typeof ctx>, queue: string): Promise<Running> {
  const sup = startCli(["work"], { ...c.env, QUEUE: queue });
  started.push(sup);
  await waitFor("a worker", async () => (await c.redis.scard(c.k.workers)) === 1, 60_000);
  await waitFor(
    "the scheduler leads",
    async () => (await c.redis.get(c.k.schedulerMasterLock)) === `${os.hostname()}:${sup.proc.pid}`,
    60_000,
  );
  return sup;
}

async function stopWork(sup: Running): Promise<void> {
  sup.kill("SIGTERM");
  await sup.exited;
}

/**
 * Polls the job's `started` marker until it is done. Returns when it was first seen done and
 * every observation whose reply arrived before `beforeMs` (those prove the job had not started
 * by then).
 */
async function watchJob(redis: Redis, ns: string, n: string, beforeMs: number, timeoutMs = 60_000) {
  const early: boolean[] = [];
  const doneAt = await waitFor(
    `job ${n} done`,
    async () => {
      const [startedFlag, done] = await Promise.all([
        redis.sismember(`${ns}:test:started`, n),
        redis.sismember(`${ns}:test:done`, n),
      ]);
      const at = Date.now();
      if (at < beforeMs) early.push(startedFlag === 1);
      return done === 1 ? at : 0;
    },
    timeoutMs,
    10,
  );
  return { doneAt, early };
}

describe("CLI: delayed jobs", () => {
  // One `work` (a supervisor, its worker process and the scheduler) on one namespace, for the
  // tests that need jobs to run: started on first use, stopped after the last test.
  let shared: { c: ReturnType<typeof ctx>; sup: Running } | undefined;
  async function sharedWork(): Promise<ReturnType<typeof ctx>> {
    if (!shared) {
      const c = ctx("delayedwork");
      shared = { c, sup: await startWork(c, "q") };
    }
    return shared.c;
  }
  afterAll(async () => {
    if (shared) await stopWork(shared.sup);
  });

  it("enqueue-in 2 with `work` running: scheduled, not run before its time, then run by the supervisor's scheduler", async () => {
    const c = await sharedWork();
    const t0 = Date.now();
    const r = await cli(["enqueue-in", "2", "q", "RecordJob", '{"n":"later"}'], c.env);
    const t1 = Date.now();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // Not done right after the enqueue: it sits in the delayed queue.
    expect(await c.redis.sismember(`${c.ns}:test:done`, "later")).toBe(0);
    const schedule = await c.redis.zrange(c.k.delayedSchedule, "0", "-1");
    expect(schedule).toHaveLength(1);
    const ts = Number(schedule[0]);
    // Whole seconds (docs/resque-protocol.md#delayed-jobs), rounded up so the job never runs early:
    // ceil(enqueue time + 2).
    expect(ts).toBeGreaterThanOrEqual(Math.ceil(t0 / 1000) + 2);
    expect(ts).toBeLessThanOrEqual(Math.ceil(t1 / 1000) + 2);
    expect(r.stdout).toBe(`Scheduled RecordJob on q for ${new Date(ts * 1000).toISOString()}.\n`);
    expect(await c.redis.lrange(c.k.delayed(ts), 0, -1)).toEqual([
      '{"class":"RecordJob","args":[{"n":"later"}],"queue":"q"}',
    ]);

    const { doneAt, early } = await watchJob(c.redis, c.ns, "later", ts * 1000);
    // Never started before its timestamp (every observation completed before it says so).
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((s) => !s)).toBe(true);
    // The lower bound whole-second timestamps guarantee: more than 1 s after the enqueue.
    expect(doneAt - t0).toBeGreaterThanOrEqual(1000);
    expect(doneAt).toBeLessThan(ts * 1000 + 30_000);
    expect(await c.redis.zcard(c.k.delayedSchedule)).toBe(0);
    expect(await c.redis.exists(c.k.delayed(ts))).toBe(0);
    expect(await c.redis.llen(c.k.failed)).toBe(0);
    if (process.env.SCHED_TEST_TIMINGS)
      console.log(
        `enqueue-in 2: done ${doneAt - t1} ms after the CLI returned (${doneAt - t0} ms after it started), ${doneAt - ts * 1000} ms after its slot`,
      );
  }, 120_000);

  // Regression: due times used to be truncated to the whole second (as resque-scheduler does), so
  // `enqueue-at …:05.900Z` ran 0.9 s early and `enqueue-in 2` late in a second ran after ~1.1 s.
  it("enqueue-at / enqueue-in never run a job before the time asked for", async () => {
    const c = await sharedWork();
    const client = new Client({ redis: c.redis, namespace: c.ns });

    // The two cases run side by side (both wait for a clock, neither for the other): the worker
    // and the scheduler handle both, and the test waits ~3 s instead of ~6.
    const [at, inn] = await Promise.all([
      (async () => {
        // enqueue-at with a time 900 ms into a second, 1.9–2.9 s ahead (the command takes
        // milliseconds in this process; it must still be ahead, hence "Scheduled", not "Enqueued").
        const atMs = (Math.floor(Date.now() / 1000) + 2) * 1000 + 900;
        const r = await cli(["enqueue-at", new Date(atMs).toISOString(), "q", "RecordJob", '{"n":"at"}'], c.env);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^Scheduled RecordJob on q for /);
        return { atMs, ...(await watchJob(c.redis, c.ns, "at", atMs)) };
      })(),
      (async () => {
        // enqueue-in 2 (the CLI calls Client.enqueueIn) issued 800–900 ms into a second.
        await waitFor("800 ms into a second", () => Date.now() % 1000 >= 800 && Date.now() % 1000 < 900, 5_000, 5);
        const t0 = Date.now();
        await client.enqueueIn(2, "q", "RecordJob", { n: "in" });
        return { t0, ...(await watchJob(c.redis, c.ns, "in", t0 + 2000)) };
      })(),
    ]);
    // Seen done before the time asked for means it ran early (the poll comes after the fact).
    expect
      .soft(
        at.doneAt - at.atMs,
        `enqueue-at ${new Date(at.atMs).toISOString()}: ms from the time asked for to seen done`,
      )
      .toBeGreaterThanOrEqual(0);
    expect.soft(inn.doneAt - inn.t0, "enqueueIn(2): ms from enqueue to done").toBeGreaterThanOrEqual(1500);
  }, 120_000);

  it("enqueue-at: a past date enqueues now; a date without a zone, garbage or bad JSON is a usage error; args the schema rejects store nothing", async () => {
    const c = ctx("enqat");
    // A time that stays in the future however long this suite lives: New Year two years on.
    const futureIso = `${new Date().getUTCFullYear() + 2}-01-01T00:00:00Z`;
    const futureTs = Date.parse(futureIso) / 1000;
    const past = await cli(["enqueue-at", "2020-01-01T08:00:00+08:00", "q", "RecordJob", '{"n":"past"}'], c.env);
    expect(past.stderr).toBe("");
    expect(past.code).toBe(0);
    expect(past.stdout).toBe("Enqueued RecordJob on q now (the time has passed).\n");
    const pastEpoch = await cli(["enqueue-at", "1000000000", "q", "RecordJob", '{"n":"epoch"}'], c.env);
    expect(pastEpoch.code).toBe(0);
    const queued = await c.redis.lrange(c.k.queue("q"), 0, -1);
    expect(queued).toHaveLength(2);
    for (const raw of queued) expect(raw).toMatch(PAYLOAD);
    expect(queued.map((raw) => JSON.parse(raw).args)).toEqual([[{ n: "past" }], [{ n: "epoch" }]]);
    expect(await c.redis.zcard(c.k.delayedSchedule)).toBe(0);

    const noZone = await cli(["enqueue-at", "2030-01-01T00:00:00", "q", "RecordJob"], c.env);
    expect(noZone.code).toBe(2);
    expect(noZone.stderr).toBe(
      "error: Give the time with its zone (2026-12-01T09:00:00+08:00 or …Z), or as epoch seconds: 2030-01-01T00:00:00\n",
    );
    const garbage = await cli(["enqueue-at", "next tuesday", "q", "RecordJob"], c.env);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/^error: Give the time with its zone .*: next tuesday\n$/);
    const impossible = await cli(["enqueue-at", "2030-13-45T00:00:00Z", "q", "RecordJob"], c.env);
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toBe("error: Not a date: 2030-13-45T00:00:00Z\n");
    const badDelay = await cli(["enqueue-in", "soon", "q", "RecordJob"], c.env);
    expect(badDelay.code).toBe(2);
    expect(badDelay.stderr).toBe("error: The delay must be a number of seconds: soon\n");
    const usage = await cli(["enqueue-in", "5", "q"], c.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: npm run queue -- enqueue-in <seconds> <queue> <class>/);
    for (const cmd of [
      ["enqueue-in", "60"],
      ["enqueue-at", futureIso],
    ]) {
      const badJson = await cli([...cmd, "q", "RecordJob", "{n:"], c.env);
      expect(badJson.code).toBe(2);
      expect(badJson.stderr).toMatch(/^error: The args are not valid JSON \(.+\): \{n:\n$/);
    }

    const t0 = Date.now();
    for (const cmd of [
      ["enqueue-in", "60"],
      ["enqueue-at", futureIso],
    ]) {
      const rejected = await cli([...cmd, "mail", "SendEmailJob", '{"to":"nobody","subject":"s","body":"b"}'], c.env);
      expect(rejected.code).toBe(1);
      expect(rejected.stderr).toBe("error: Invalid args for SendEmailJob: to: Invalid email address\n");
      expect(rejected.stdout).toBe("");
    }
    const t1 = Date.now();
    expect(await c.redis.zcard(c.k.delayedSchedule)).toBe(0);
    const maybe = [futureTs];
    for (let ts = Math.floor(t0 / 1000) + 60; ts <= Math.ceil(t1 / 1000) + 60; ts++) maybe.push(ts);
    expect(await c.redis.exists(...maybe.map((ts) => c.k.delayed(ts)))).toBe(0);
    expect(await c.redis.exists(c.k.queue("mail"))).toBe(0);
    expect(await c.redis.smembers(c.k.queues)).toEqual(["q"]);

    // The same args, valid, are scheduled.
    const ok = await cli(["enqueue-at", futureIso, "mail", "SendEmailJob", EMAIL], c.env);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe(`Scheduled SendEmailJob on mail for ${futureIso.replace("Z", ".000Z")}.\n`);
    expect(await c.redis.lrange(c.k.delayed(futureTs), 0, -1)).toEqual([
      `{"class":"SendEmailJob","args":[${EMAIL}],"queue":"mail"}`,
    ]);
    expect(await c.redis.zscore(c.k.delayedSchedule, String(futureTs))).toBe(String(futureTs));
  }, 120_000);

  /** 2 jobs at T1 (q), 1 at T2 (q2), 1 already due at T0 (q): 4 jobs at 3 timestamps, 1 due. */
  async function seedDelayed(c: ReturnType<typeof ctx>) {
    const now = Math.floor(Date.now() / 1000);
    const [t0, t1, t2] = [now - 5, now + 1000, now + 2000];
    for (const [ts, q, n] of [
      [t1, "q", 1],
      [t1, "q", 2],
      [t2, "q2", 3],
    ] as const) {
      expect((await cli(["enqueue-at", String(ts), q, "RecordJob", JSON.stringify({ n })], c.env)).code).toBe(0);
    }
    const client = new Client({ redis: c.redis, namespace: c.ns });
    await client.schedule(t0, { queue: "q", className: "RecordJob", argsArray: [{ n: 0 }], payload: "" });
    return { t0, t1, t2 };
  }

  it("delayed and delayed --json show counts and timestamps, earliest first", async () => {
    const c = ctx("delayed");
    expect((await cli(["delayed"], c.env)).stdout).toBe("No delayed jobs.\n");
    expect(JSON.parse((await cli(["delayed", "--json"], c.env)).stdout)).toMatchObject({
      total: 0,
      due: 0,
      timestamps: 0,
      items: [],
    });

    const { t0, t1, t2 } = await seedDelayed(c);
    const iso = (ts: number) => new Date(ts * 1000).toISOString();
    const text = await cli(["delayed"], c.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      "4 delayed job(s) at 3 time(s); 1 due now.\n\n" +
        `${iso(t0)}      1  RecordJob → q\n` +
        `${iso(t1)}      2  RecordJob → q …\n` +
        `${iso(t2)}      1  RecordJob → q2\n`,
    );
    const json = JSON.parse((await cli(["delayed", "--json"], c.env)).stdout);
    expect(json).toMatchObject({ due: 1, timestamps: 3, page: 1 });
    expect(
      json.items.map((t: { timestamp: number; count: number; first: { queue: string; raw: string } }) => [
        t.timestamp,
        t.count,
        t.first.queue,
        t.first.raw,
      ]),
    ).toEqual([
      [t0, 1, "q", '{"class":"RecordJob","args":[{"n":0}],"queue":"q"}'],
      [t1, 2, "q", '{"class":"RecordJob","args":[{"n":1}],"queue":"q"}'],
      [t2, 1, "q2", '{"class":"RecordJob","args":[{"n":3}],"queue":"q2"}'],
    ]);
  }, 120_000);

  // Regression: the page's own `total` (timestamps) used to overwrite the number of jobs.
  it("delayed --json total is the number of delayed jobs (as in the text output)", async () => {
    const c = ctx("delayedjson");
    await seedDelayed(c);
    const json = JSON.parse((await cli(["delayed", "--json"], c.env)).stdout);
    expect(json.timestamps).toBe(3);
    expect(json.total, "`total` in delayed --json (4 jobs at 3 timestamps)").toBe(4);
  }, 60_000);

  it("delayed clear asks, refuses without a terminal, and deletes everything with --yes", async () => {
    const c = ctx("delayedclear");
    await seedDelayed(c);
    const refused = await cli(["delayed", "clear"], c.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "error: Delete all 4 delayed job(s)? Refusing without a terminal to ask on: add --yes\n",
    );
    expect(await c.redis.zcard(c.k.delayedSchedule)).toBe(3);
    const cleared = await cli(["delayed", "clear", "--yes"], c.env);
    expect(cleared.stdout).toBe("Deleted 4 delayed job(s).\n");
    expect(await c.redis.exists(c.k.delayedSchedule)).toBe(0);
    expect((await cli(["delayed", "clear", "--yes"], c.env)).stdout).toBe("There are no delayed jobs to clear.\n");
    expect((await cli(["delayed", "frob"], c.env)).code).toBe(2);
  }, 60_000);
});

describe("CLI: recurring schedules", () => {
  const nightlyArgs = ["--class", "SendEmailJob", "--cron", "0 3 * * *", "--tz", "Asia/Shanghai", "--args", EMAIL];

  it("schedule add stores RS's config and schedule list shows the next run in UTC; bad input stores nothing", async () => {
    const c = ctx("schedadd");
    expect((await cli(["schedule", "list"], c.env)).stdout).toBe("No recurring schedules.\n");
    const add = await cli(["schedule", "add", "nightly", ...nightlyArgs, "--description", "daily numbers"], c.env);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toBe("Created schedule nightly.\n");
    const raw = await c.redis.hget(c.k.persistentSchedules, "nightly");
    expect(raw).toBe(
      `{"class":"SendEmailJob","cron":"0 3 * * * Asia/Shanghai","queue":"default","args":${EMAIL},"description":"daily numbers"}`,
    );
    expect(await c.redis.smembers(c.k.schedulesChanged)).toEqual(["nightly"]);

    // 03:00 in Shanghai (UTC+8, no DST) is 19:00 UTC the day before.
    const list = await cli(["schedule", "list"], c.env);
    expect(list.code).toBe(0);
    const m =
      /^nightly: SendEmailJob → default, cron "0 3 \* \* \*" \(Asia\/Shanghai\); next (\S+), last never\n$/.exec(
        list.stdout,
      );
    expect(m, list.stdout).not.toBeNull();
    const next = Date.parse(m![1]!);
    expect(m![1]).toMatch(/^\d{4}-\d{2}-\d{2}T19:00:00\.000Z$/);
    expect(next).toBeGreaterThan(Date.now() - 60_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const listJson = JSON.parse((await cli(["schedule", "list", "--json"], c.env)).stdout);
    expect(listJson).toHaveLength(1);
    expect(listJson[0]).toMatchObject({
      name: "nightly",
      className: "SendEmailJob",
      queue: "default",
      enabled: true,
      nextRunMs: next,
    });

    const before = await c.redis.hgetall(c.k.persistentSchedules);
    await c.redis.del(c.k.schedulesChanged);
    const refused: Array<[string[], RegExp | string]> = [
      [
        ["bad", "--class", "SendEmailJob", "--cron", "61 * * * *", "--args", EMAIL],
        /^error: Invalid cron expression "61 \* \* \* \*": .+\n$/,
      ],
      [
        ["bad", "--class", "SendEmailJob", "--cron", "0 3 * * *", "--tz", "Mars/Olympus", "--args", EMAIL],
        'error: Unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Shanghai" or "UTC"\n',
      ],
      [
        ["bad", "--class", "NoSuchJob", "--cron", "0 3 * * *"],
        'error: No job class is registered under the name "NoSuchJob"\n',
      ],
      [
        ["bad", "--class", "SendEmailJob", "--every", "10m", "--args", '{"to":"nobody","subject":"s","body":"b"}'],
        "error: Invalid args for SendEmailJob: to: Invalid email address\n",
      ],
      [
        ["bad", "--class", "SendEmailJob", "--every", "soon", "--args", EMAIL],
        /^error: Invalid every interval "soon": .+\n$/,
      ],
      // An existing name without --replace.
      [
        ["nightly", "--class", "SendEmailJob", "--cron", "0 4 * * *", "--args", EMAIL],
        'error: A schedule named "nightly" already exists\n',
      ],
    ];
    for (const [args, message] of refused) {
      const r = await cli(["schedule", "add", ...args], c.env);
      expect(r.code, args.join(" ")).toBe(1);
      if (typeof message === "string") expect(r.stderr).toBe(message);
      else expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
    const usage = await cli(["schedule", "add", "bad", "--cron", "0 3 * * *"], c.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: Usage: npm run queue -- schedule add <name> --class <class>/);
    const badJson = await cli(
      ["schedule", "add", "bad", "--class", "SendEmailJob", "--every", "10m", "--args", "{to:"],
      c.env,
    );
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^error: The args are not valid JSON/);
    expect(await c.redis.hgetall(c.k.persistentSchedules)).toEqual(before);
    expect(await c.redis.exists(c.k.schedulesChanged)).toBe(0);

    // An unknown class is accepted when asked (a php or Ruby worker runs it).
    const foreign = await cli(
      ["schedule", "add", "php-report", "--class", "App\\Jobs\\Report", "--every", "15mins", "--allow-unknown-class"],
      c.env,
    );
    expect(foreign.stderr).toBe("");
    expect(foreign.stdout).toBe("Created schedule php-report.\n");
    expect(await c.redis.hget(c.k.persistentSchedules, "php-report")).toBe(
      '{"class":"App\\\\Jobs\\\\Report","every":"15m","queue":"default","args":{}}',
    );

    // --replace edits the existing entry.
    const replaced = await cli(
      [
        "schedule",
        "add",
        "nightly",
        "--class",
        "SendEmailJob",
        "--cron",
        "30 4 * * *",
        "--tz",
        "Asia/Shanghai",
        "--args",
        EMAIL,
        "--replace",
      ],
      c.env,
    );
    expect(replaced.stdout).toBe("Updated schedule nightly.\n");
    expect(JSON.parse((await c.redis.hget(c.k.persistentSchedules, "nightly"))!).cron).toBe("30 4 * * * Asia/Shanghai");
    expect((await cli(["schedule", "list"], c.env)).stdout).toMatch(
      /^nightly: .*next \d{4}-\d{2}-\d{2}T20:30:00\.000Z, last never$/m,
    );
  }, 120_000);

  it("schedule disable, enable, run and rm act on the entry and refuse unknown names", async () => {
    const c = ctx("schedops");
    expect((await cli(["schedule", "add", "nightly", ...nightlyArgs], c.env)).code).toBe(0);
    const raw = (await c.redis.hget(c.k.persistentSchedules, "nightly"))!;

    const disable = await cli(["schedule", "disable", "nightly"], c.env);
    expect(disable.stdout).toBe("Schedule nightly disabled.\n");
    expect(await c.redis.hget(c.k.persistentSchedules, "nightly")).toBe(raw.slice(0, -1) + ',"enabled":false}');
    expect((await cli(["schedule", "list"], c.env)).stdout).toMatch(
      /^nightly: SendEmailJob → default, cron "0 3 \* \* \*" \(Asia\/Shanghai\), disabled; next -, last never\n$/,
    );

    // run enqueues one job now, enabled or not.
    const run = await cli(["schedule", "run", "nightly"], c.env);
    expect(run.stderr).toBe("");
    const id = /^Enqueued SendEmailJob on default from schedule nightly \(id ([0-9a-f]{32})\)\.\n$/.exec(
      run.stdout,
    )?.[1];
    expect(id, run.stdout).toBeDefined();
    const jobs = await c.redis.lrange(c.k.queue("default"), 0, -1);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatch(PAYLOAD);
    expect(JSON.parse(jobs[0]!)).toMatchObject({ class: "SendEmailJob", args: [JSON.parse(EMAIL)], id });

    const enable = await cli(["schedule", "enable", "nightly"], c.env);
    expect(enable.stdout).toBe("Schedule nightly enabled.\n");
    expect(await c.redis.hget(c.k.persistentSchedules, "nightly")).toBe(raw);
    // "run" stamped the entry's last enqueue, as the scheduler's own enqueue does.
    expect((await cli(["schedule", "list"], c.env)).stdout).toMatch(
      /^nightly: .*\(Asia\/Shanghai\); next \S+T19:00:00\.000Z, last \d{4}-\d{2}-\d{2}T[\d:.]+Z\n$/,
    );

    for (const sub of ["disable", "enable", "run", "rm"]) {
      const r = await cli(["schedule", sub, "nope"], c.env);
      expect(r.code, sub).toBe(2);
      expect(r.stderr).toBe('error: No schedule named "nope".\n');
      const noName = await cli(["schedule", sub], c.env);
      expect(noName.code).toBe(2);
      expect(noName.stderr).toBe(`error: Usage: npm run queue -- schedule ${sub} <name>\n`);
    }
    const unknownSub = await cli(["schedule", "pause", "nightly"], c.env);
    expect(unknownSub.code).toBe(2);
    expect(unknownSub.stderr).toBe(
      'error: Unknown schedule command "pause": use list, add, rm, enable, disable or run.\n',
    );

    const rm = await cli(["schedule", "rm", "nightly"], c.env);
    expect(rm.stdout).toBe("Removed schedule nightly.\n");
    expect(await c.redis.hexists(c.k.persistentSchedules, "nightly")).toBe(0);
    expect((await cli(["schedule", "list"], c.env)).stdout).toBe("No recurring schedules.\n");
    expect((await cli(["schedule", "rm", "nightly"], c.env)).code).toBe(2);
    expect(await c.redis.llen(c.k.queue("default"))).toBe(1);
  }, 120_000);
});
