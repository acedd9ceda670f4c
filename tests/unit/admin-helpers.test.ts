import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileFilter,
  decodeFailedRecord,
  formatFailedId,
  livenessOf,
  normalizePage,
  parseFailedId,
  parseRedisInfo,
  parseResqueDate,
  requeueTarget,
  searchText,
  sha1Hex,
  workerName,
} from "@/lib/resque";

const dir = path.resolve(import.meta.dirname, "../fixtures");
const php = JSON.parse(readFileSync(path.join(dir, "php-resque.json"), "utf8"));
const node = JSON.parse(readFileSync(path.join(dir, "node-resque.json"), "utf8"));
const rb = JSON.parse(readFileSync(path.join(dir, "ruby-resque.json"), "utf8")) as Record<string, string>;
const phpFailed: string = php["develop/failed_exception"].raw;

describe("failed-job ids", () => {
  it("round-trip index and the first 16 hex of sha1", () => {
    const sha = sha1Hex(phpFailed);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const id = formatFailedId(12, sha);
    expect(id).toBe(`12-${sha.slice(0, 16)}`);
    expect(parseFailedId(id)).toEqual({ index: 12, digest: sha.slice(0, 16) });
  });

  it("hash bytes, so a string and its UTF-8 buffer agree", () => {
    expect(sha1Hex(node.failed_error.raw)).toBe(sha1Hex(Buffer.from(node.failed_error.raw, "utf8")));
  });

  it("reject anything else", () => {
    for (const bad of [
      "",
      "12",
      "-1-0123456789abcdef",
      "1-0123456789ABCDEF",
      "1-0123",
      "x-0123456789abcdef",
      "1-0123456789abcdef0",
    ])
      expect(parseFailedId(bad)).toBeNull();
  });
});

describe("decodeFailedRecord", () => {
  it("tolerates backtrace missing, null, or a string", () => {
    const base = rb.failed_record!;
    const without = base.replace(/,"backtrace":\[[^\]]*\]/, "");
    expect(decodeFailedRecord(without, 0, "").backtrace).toEqual([]);
    expect(decodeFailedRecord(base.replace(/"backtrace":\[[^\]]*\]/, '"backtrace":null'), 0, "").backtrace).toEqual([]);
    expect(decodeFailedRecord(base.replace(/"backtrace":\[[^\]]*\]/, '"backtrace":"a\\nb"'), 0, "").backtrace).toEqual([
      "a",
      "b",
    ]);
  });

  it("decodes a payload stored as a JSON string and reads _attempt and failure_id", () => {
    const inner = '{"class":"Job","args":[{"_attempt":2}]}';
    const rec = `{"failed_at":"2026/11/29 01:44:58 UTC","payload":${JSON.stringify(inner)},"exception":"E","error":"e","backtrace":[],"worker":"h:1:q","queue":"q","failure_id":"u-1"}`;
    const job = decodeFailedRecord(rec, 3, "ab".repeat(20));
    expect(job).toMatchObject({ id: `3-${"ab".repeat(8)}`, attempt: 2, failureId: "u-1", queue: "q" });
    expect(job.payload.raw).toBe(inner);
    expect(requeueTarget(rec)).toEqual({ queue: "q", payload: inner });
  });

  it("never throws on a record that is not JSON", () => {
    const job = decodeFailedRecord("oops", 0, "");
    expect(job).toMatchObject({
      parseError: "record is not valid JSON",
      exception: "",
      backtrace: [],
      payload: { ok: false },
    });
    expect(requeueTarget("oops")).toEqual({ reason: "the failure record is not valid JSON" });
  });

  it("takes the queue from node's payload when the record has none", () => {
    const rec = node.failed_error.raw.replace('"queue":"default",', "");
    expect(decodeFailedRecord(rec, 0, "").queue).toBe("default");
  });
});

describe("requeueTarget", () => {
  it("keeps php's payload bytes and refreshes only queue_time", () => {
    const t = requeueTarget(phpFailed, 1800000000.5);
    expect(t).toEqual({
      queue: "default",
      payload:
        '{"class":"Interop_FailJob","args":[{"why":"demo"}],"id":"dbc606922c09b968bab1751286b43603","prefix":"","queue_time":1800000000.5}',
    });
  });

  it("refuses payloads without a class", () => {
    const rec = rb.failed_record!.replace('"class":"RubyInterop::FailJob",', "");
    expect(requeueTarget(rec)).toEqual({ reason: "the payload has no class" });
  });

  it("retries JSON beyond the decoder's limits by its top-level fields, bytes unchanged", () => {
    // 80 levels: past our 64, within Ruby's 100 and php's 512, so another client's worker runs it.
    const deepArgs = "[".repeat(80) + "]".repeat(80);
    const payload = `{"class":"Deep","args":${deepArgs},"queue_time":1.5}`;
    const asObject = `{"failed_at":"2026/11/29 10:00:00 UTC","payload":${payload},"exception":"E","queue":"deep"}`;
    expect(requeueTarget(asObject, 2)).toEqual({
      queue: "deep",
      payload: payload.replace('"queue_time":1.5', '"queue_time":2'),
    });
    // Our worker stores such a payload as a JSON string in its failure record.
    const asString = `{"payload":${JSON.stringify(payload)},"exception":"InvalidPayload","queue":"deep"}`;
    expect(requeueTarget(asString, 2)).toEqual({
      queue: "deep",
      payload: payload.replace('"queue_time":1.5', '"queue_time":2'),
    });
    const noClass = `{"payload":{"args":${deepArgs}},"queue":"deep"}`;
    expect(requeueTarget(noClass)).toEqual({ reason: "the payload has no class" });
    const noQueue = `{"payload":{"class":"Deep","args":${deepArgs}}}`;
    expect(requeueTarget(noQueue)).toEqual({ reason: "the failure record names no queue" });
    expect(requeueTarget("[1,2]")).toEqual({ reason: "the failure record is not a JSON object" });
  });
});

describe("searchText and compileFilter", () => {
  it("decodes JSON escapes, surrogate pairs included", () => {
    expect(searchText('"a\\/b Zo\\u00eb \\ud83d\\ude00 \\"q\\" \\\\u0041"')).toBe('"a/b Zoë 😀 "q" \\u0041"');
  });

  it("matches text case-insensitively across encoders, exact fields exactly", () => {
    expect(compileFilter({ text: "INTEROP failure" })(phpFailed)).toBe(true);
    expect(compileFilter({ text: "/srv/app/vendor" })(phpFailed)).toBe(true);
    expect(compileFilter({ class: "Interop_FailJob", queue: "default", exception: "Exception" })(phpFailed)).toBe(true);
    expect(compileFilter({ class: "Interop_Fail" })(phpFailed)).toBe(false);
    expect(compileFilter({ exception: "exception" })(phpFailed)).toBe(false);
    expect(compileFilter({ queue: "other" })(phpFailed)).toBe(false);
    expect(compileFilter({})("anything")).toBe(true);
  });

  it("matches ActiveJob's wrapped class", () => {
    const rec =
      '{"payload":{"class":"ActiveJob::QueueAdapters::ResqueAdapter::JobWrapper","args":[{"job_class":"SignupMailer","arguments":[]}]},"exception":"E","queue":"mail"}';
    expect(compileFilter({ class: "SignupMailer" })(rec)).toBe(true);
  });
});

describe("paging, INFO, liveness", () => {
  it("clamps page requests", () => {
    expect(normalizePage({})).toEqual({ page: 1, perPage: 25, start: 0, stop: 24 });
    expect(normalizePage({ page: -3, perPage: 0 })).toEqual({ page: 1, perPage: 1, start: 0, stop: 0 });
    expect(normalizePage({ page: 3.7, perPage: 10 })).toEqual({ page: 3, perPage: 10, start: 20, stop: 29 });
    expect(normalizePage({ page: NaN, perPage: 1e9 })).toMatchObject({ page: 1, perPage: 1000 });
  });

  it("parses INFO text", () => {
    const info = parseRedisInfo(
      "# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n",
    );
    expect(info).toEqual({
      server: { redis_version: "7.0.15", executable: "/usr/bin/redis-server" },
      keyspace: { db0: "keys=3,expires=0,avg_ttl=0" },
    });
  });

  it("classifies liveness against the Redis clock with Ruby's 300 s threshold", () => {
    const beat = parseResqueDate(rb.heartbeat_value!);
    expect(livenessOf(beat, beat.ms! + 300_000)).toBe("alive");
    expect(livenessOf(beat, beat.ms! + 300_001)).toBe("dead");
    expect(livenessOf(beat, beat.ms! - 60_000)).toBe("alive");
    expect(livenessOf(parseResqueDate("junk"), 0)).toBe("unknown");
    expect(livenessOf(undefined, 0)).toBe("unknown");
  });

  it("derives node-resque's worker name from ids of any shape", () => {
    expect(workerName("vm:15176:critical,default")).toBe("vm:15176");
    expect(workerName("host:77")).toBe("host:77");
    expect(workerName("lonely")).toBe("lonely");
  });
});
