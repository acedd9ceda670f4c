/**
 * The worker half of issue 16's hostile-records suite: a real worker process (the CLI bundle)
 * fed records anyone with redis-cli could write. Every bad job must end in `failed` exactly once
 * with a reason, good jobs on the same and other queues must run exactly once, and nothing may
 * loop (RecordJob counts its runs in `test:runs:<n>`).
 */
import os from "node:os";
import { isUtf8 } from "node:buffer";
import { afterAll, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { Connection, listQueues, pruneWorker, queueProblems } from "@/lib/resque";
import { cliEnv, startCli, type Running } from "../helpers/processes";
import { runCliInProcess } from "../helpers/cli";
import { testNamespace, waitFor } from "../helpers/ns";

const started: Running[] = [];
afterAll(() => {
  for (const s of started) s.kill("SIGKILL");
});

const b = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
const job = (n: number, extra = "") => `{"class":"RecordJob","args":[{"n":${n}${extra}}]}`;

const DEEP = 200_000;
const TWO_MB = 2 * 1024 * 1024;

/** Queued on `h1` in this order, each followed by a good job; `error` is what its failure must say. */
const BAD: { label: string; bytes: Buffer; error: RegExp; escaped?: string }[] = [
  {
    label: "\\xff in class",
    bytes: b('{"class":"Record', [0xff], 'Job","args":[{"n":1}]}'),
    error: /not valid UTF-8 \(byte 0xff at offset 16\)/,
    escaped: '{"class":"Record\\xffJob","args":[{"n":1}]}',
  },
  { label: "\\xff in args", bytes: b('{"class":"RecordJob","args":[{"n":2,"s":"a', [0xff], 'b"}]}'), error: /UTF-8/ },
  { label: "bytes in id", bytes: b(job(3).slice(0, -1), ',"id":"', [0xfe, 0xff], '"}'), error: /UTF-8/ },
  {
    label: "whole payload bytes",
    bytes: b([0xff, 0xfe, 0x00, 0x80]),
    error: /UTF-8/,
    escaped: "\\xff\\xfe\u0000\\x80",
  },
  { label: "overlong encoding", bytes: b('{"class":"Record', [0xc0, 0xaf], 'Job","args":[]}'), error: /UTF-8/ },
  { label: "cut multibyte", bytes: b(job(6).slice(0, -1), ',"x":"', [0xe4, 0xb8], '"}'), error: /UTF-8/ },
  { label: "raw surrogate bytes ED A0 80", bytes: b(job(7, ',"s":"'), [0xed, 0xa0, 0x80], '"}]}'), error: /UTF-8/ },
  { label: "\\ud800 escape in args", bytes: b(job(8, ',"s":"\\ud800"')), error: /lone UTF-16 surrogate/ },
  {
    label: "\\udc00 escape in class",
    bytes: b('{"class":"Record\\udc00Job","args":[]}'),
    error: /lone UTF-16 surrogate/,
  },
  { label: "NUL escape in class", bytes: b('{"class":"RecordJob\\u0000","args":[{"n":10}]}'), error: /NUL/ },
  { label: "raw NUL after the object", bytes: b(job(11), [0]), error: /not valid JSON/ },
  { label: "bidi override in class", bytes: b('{"class":"\u202eboJdroceR","args":[{"n":12}]}'), error: /No job class/ },
  {
    label: `${DEEP}-deep args`,
    bytes: b('{"class":"RecordJob","args":[', "[".repeat(DEEP), "]".repeat(DEEP), "]}"),
    error: /args too deeply nested/,
  },
  { label: "class is a number", bytes: b('{"class":42,"args":[]}'), error: /class is not a string \(number\)/ },
  {
    label: "class is an array",
    bytes: b('{"class":["RecordJob"],"args":[]}'),
    error: /class is not a string \(array\)/,
  },
  {
    label: "args is a string",
    bytes: b('{"class":"RecordJob","args":"oops"}'),
    error: /args is not an array \(string\)/,
  },
  { label: "args is a number", bytes: b('{"class":"RecordJob","args":17}'), error: /args is not an array \(number\)/ },
  { label: "no class", bytes: b('{"args":[{"n":18}]}'), error: /has no class/ },
  { label: "empty class", bytes: b('{"class":"","args":[]}'), error: /class is empty/ },
  { label: "non-JSON", bytes: b("hello world"), error: /not valid JSON/ },
  { label: "empty string", bytes: b(""), error: /not valid JSON/ },
  { label: "markup", bytes: b("<script>alert(1)</script>"), error: /not valid JSON/ },
  { label: "JSON array", bytes: b("[1,2]"), error: /not a JSON object/ },
  { label: "JSON null", bytes: b("null"), error: /not a JSON object/ },
  { label: "unterminated object", bytes: b(job(25).slice(0, -1)), error: /not valid JSON/ },
  {
    label: "2 MB args ending in \\xff",
    bytes: b(job(26, ',"big":"'), "x".repeat(TWO_MB), [0xff], '"}]}'),
    error: /UTF-8/,
  },
];

/** Good jobs: one after each bad one on h1, more on h2 behind the wrong-typed queues, and a 2 MB one. */
const GOOD_H1 = BAD.map((_, i) => 100 + i);
const GOOD_H2 = [200, 201, 202];
const BIG = 300;

describe("hostile queued records", () => {
  it(`fails each of ${BAD.length} hostile payloads once, runs every good job once, skips wrong-typed queue keys and prunes hostile worker ids`, async () => {
    const url = inject("redisUrl");
    const ns = testNamespace("hostile");
    const redis = new Redis(url);
    const conn = new Connection({ redis, namespace: ns });
    const key = (k: string) => `${ns}:${k}`;
    const host = os.hostname();

    const pipe = redis.pipeline();
    BAD.forEach((bad, i) => pipe.rpush(key("queue:h1"), bad.bytes).rpush(key("queue:h1"), job(GOOD_H1[i]!)));
    pipe.rpush(key("queue:h1"), job(BIG, `,"big":"${"y".repeat(TWO_MB)}"`));
    for (const n of GOOD_H2) pipe.rpush(key("queue:h2"), job(n));
    // Queue keys of the wrong Redis type, registered like any queue.
    pipe.hset(key("queue:hx"), "a", "b").set(key("queue:hy"), "v").sadd(key("queue:hz"), "m");
    pipe.sadd(key("queues"), "h1", "h2", "hx", "hy", "hz");
    // Hostile worker ids: two "on this host" with dead pids (the worker's start-up prune settles
    // them), two elsewhere (only a manual prune removes them). Three hold a hostile in-flight record.
    const deadSpace = `${host}:999999998:evil q`;
    const deadBytes = b(`${host}:999999997:q\n`, [0xff, 0xfe]);
    const farNewline = "far host\nid:1:q";
    const farBytes = b("far:2:", [0xff]);
    const farHash = "far:3:q";
    pipe.sadd(key("workers"), deadSpace, deadBytes, farNewline, farBytes, farHash);
    pipe.hset(key(`worker:${farHash}`), "not", "a string");
    pipe.set(key(`worker:${deadSpace}`), b('{"queue":"h1","run_at":"x","payload":{"class":"Rec', [0xff], '"}}'));
    pipe.set(Buffer.concat([Buffer.from(key("worker:")), deadBytes]), b([0xff, 0xfe], "{"));
    pipe.set(
      key(`worker:${farNewline}`),
      '{"queue":"h1","run_at":"x","payload":{"class":"RecordJob","args":[{"n":901}]}}',
    );
    await pipe.exec();

    const sup = startCli(["work"], cliEnv(url, ns, { QUEUE: "h1,hx,hy,hz,h2", INTERVAL: "1" }));
    started.push(sup);
    const total = BAD.length + GOOD_H1.length + 1 + GOOD_H2.length;
    await waitFor("every job handled", async () => Number(await redis.get(key("stat:processed"))) === total, 120_000);

    // Start-up prune: the two dead hostile ids are gone, bytes and all, their jobs failed.
    const members = await redis.smembersBuffer(key("workers"));
    expect(members.some((m) => m.equals(deadBytes))).toBe(false);
    expect(members.map(String)).not.toContain(deadSpace);
    expect(
      await redis.exists(key(`worker:${deadSpace}`), Buffer.concat([Buffer.from(key("worker:")), deadBytes])),
    ).toBe(0);

    const records = (await redis.lrangeBuffer(key("failed"), 0, -1)).map((r) => {
      // Every record stays UTF-8 JSON, whatever its payload was: other clients must read it.
      expect(isUtf8(r)).toBe(true);
      return JSON.parse(r.toString()) as { payload: unknown; exception: string; error: string; queue: string };
    });
    expect(records).toHaveLength(2 + BAD.length);
    const pruned = records.slice(0, 2);
    expect(pruned.every((r) => r.exception === "Resque::DirtyExit")).toBe(true);
    expect(pruned.map((r) => r.payload)).toEqual(expect.arrayContaining(['{"class":"Rec\\xff"}', "\\xff\\xfe{"]));
    expect(pruned.find((r) => r.payload === "\\xff\\xfe{")?.error).toMatch(/not valid UTF-8/);

    // Exactly one record per bad job, in queue order, each saying what was wrong.
    records.slice(2).forEach((rec, i) => {
      const bad = BAD[i]!;
      expect(`${rec.exception}: ${rec.error}`, bad.label).toMatch(bad.error);
      expect(rec.queue).toBe("h1");
      if (bad.escaped !== undefined) expect(rec.payload, bad.label).toBe(bad.escaped);
      if (isUtf8(bad.bytes)) {
        // Valid UTF-8 is kept as stored: the object itself, or the exact text as a JSON string.
        const text = bad.bytes.toString();
        if (typeof rec.payload === "string") expect(rec.payload, bad.label).toBe(text);
        else expect(JSON.stringify(rec.payload)).toBe(JSON.stringify(JSON.parse(text)));
      }
    });
    expect(Number(await redis.get(key("stat:failed")))).toBe(2 + BAD.length);

    // Good jobs ran exactly once each; no bad RecordJob ran at all.
    const runs = async (n: number) => redis.get(key(`test:runs:${n}`));
    for (const n of [...GOOD_H1, ...GOOD_H2, BIG]) expect(await runs(n), `job ${n}`).toBe("1");
    for (const n of [1, 2, 3, 6, 7, 8, 10, 11, 12, 18, 25, 26]) expect(await runs(n), `bad job ${n}`).toBeNull();
    expect(await redis.llen(key("queue:h1"))).toBe(0);
    expect(await redis.llen(key("queue:h2"))).toBe(0);

    // Wrong-typed queue keys: untouched, logged once each (not once per poll), and reported.
    expect(await redis.type(key("queue:hx"))).toBe("hash");
    await waitFor("wrong-type lines", () => /queue "hz" skipped/.test(sup.output()));
    for (const q of ["hx", "hy", "hz"])
      expect(sup.output().split(`queue "${q}" skipped: key ${key(`queue:${q}`)} is not a list`).length - 1).toBe(1);
    expect(await queueProblems(conn)).toEqual([
      { queue: "hx", keyType: "hash" },
      { queue: "hy", keyType: "string" },
      { queue: "hz", keyType: "set" },
    ]);
    const listed = await listQueues(conn);
    expect(listed.find((q) => q.name === "hx")).toMatchObject({ size: 0, keyType: "hash" });
    expect(listed.find((q) => q.name === "h1")?.keyType).toBeUndefined();
    const status = await runCliInProcess(["status"], cliEnv(url, ns));
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("Problems (3):");
    expect(status.stdout).toContain("queue hx: key is a hash, not a list; workers skip it");

    // Manual prune of hostile ids elsewhere: by text (newline) and by bytes.
    expect((await pruneWorker(conn, farNewline)).job).toBe("failed");
    expect((await pruneWorker(conn, farBytes)).job).toBe("none");
    expect((await pruneWorker(conn, farHash)).job).toBe("none"); // an in-flight key of another type
    expect(await redis.exists(key(`worker:${farHash}`))).toBe(0);
    const left = await redis.smembersBuffer(key("workers"));
    expect(left).toHaveLength(1); // the running worker only
    expect(left[0]!.toString()).toMatch(/:h1,hx,hy,hz,h2$/);
    expect(await redis.llen(key("failed"))).toBe(3 + BAD.length);
    expect(Number(await redis.get(key("stat:failed")))).toBe(3 + BAD.length);

    // Still alive and working after all of it.
    await redis.rpush(key("queue:h2"), job(400));
    await waitFor("a job after the hostile ones", async () => (await runs(400)) === "1");
    sup.kill("SIGQUIT");
    await sup.exited;
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }, 180_000);
});
