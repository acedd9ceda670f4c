import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appendRawField, payloadForRequeue, rawField, replaceRawField, tryParse } from "@/lib/resque";

const dir = path.resolve(import.meta.dirname, "../fixtures");
const php = JSON.parse(readFileSync(path.join(dir, "php-resque.json"), "utf8"));
const node = JSON.parse(readFileSync(path.join(dir, "node-resque.json"), "utf8"));
const rb = JSON.parse(readFileSync(path.join(dir, "ruby-resque.json"), "utf8")) as Record<string, string>;

describe("rawField", () => {
  it("slices the exact payload bytes out of a php failure record (escapes kept)", () => {
    const rec: string = php["v1.3.6/failed_exception"].raw;
    const p = rawField(rec, "payload")!;
    expect(p).toBe(
      '{"class":"Interop_FailJob","args":[{"why":"demo"}],"id":"528bc12b2dbc674f8a93983cfa64c472","prefix":"","queue_time":1795916398.257221}',
    );
    expect(rawField(rec, "backtrace")).toContain("\\/srv\\/app");
    expect(rawField(rec, "queue")).toBe('"default"');
  });

  it("finds fields in node's order and in cjson's reordered worker record", () => {
    expect(rawField(node.failed_error.raw, "payload")).toBe(
      '{"class":"failJob","queue":"default","args":[{"why":"a/b ü"}]}',
    );
    const w: string = node.worker_current_job.raw;
    expect(rawField(w, "payload")).toContain('"big":1.2345678901235e+19');
    expect(rawField(w, "payload")).toContain("https:\\/\\/example.com");
    expect(rawField(w, "queue")).toBe('"default"');
  });

  it("is not fooled by braces, quotes and backslashes inside strings", () => {
    const raw: string = rb.queued_payload!;
    expect(rawField(raw, "args")).toBe(raw.slice('{"class":"RubyInterop::OkJob","args":'.length, -1));
    const tricky = '{"a":"}\\"{","b":[1,{"c":"]"}],"c":true , "d" : null}';
    expect(rawField(tricky, "a")).toBe('"}\\"{"');
    expect(rawField(tricky, "b")).toBe('[1,{"c":"]"}]');
    expect(rawField(tricky, "c")).toBe("true");
    expect(rawField(tricky, "d")).toBe("null");
    expect(rawField(tricky, "missing")).toBeUndefined();
  });

  it("returns undefined for non-objects and invalid JSON", () => {
    for (const s of ["", "[1,2]", '"x"', "{", '{"a":', "not json", '{"a":1 "b":2}'])
      expect(rawField(s, "a")).toBeUndefined();
  });
});

describe("replaceRawField / appendRawField", () => {
  it("changes one value and leaves every other byte alone", () => {
    const payload = rawField(php["develop/failed_exception"].raw, "payload")!;
    const out = replaceRawField(payload, "queue_time", "1800000000.5");
    expect(out).toBe(payload.replace("1795916414.512314", "1800000000.5"));
    expect(replaceRawField(payload, "nope", "1")).toBe(payload);
  });

  it("appends retried_at where Ruby's requeue puts it", () => {
    const rec = rb.failed_record!;
    const out = appendRawField(rec, "retried_at", JSON.stringify("2026/11/29 01:44:59 UTC"));
    expect(out).toBe(rb.failed_record_retried);
    expect(appendRawField("{}", "a", "1")).toBe('{"a":1}');
  });

  it("payloadForRequeue refreshes queue_time only when present", () => {
    const phpPayload = rawField(php["v1.3.6/failed_exception"].raw, "payload")!;
    expect(payloadForRequeue(phpPayload, 1800000000.25)).toBe(phpPayload.replace("1795916398.257221", "1800000000.25"));
    const rubyPayload = rawField(rb.failed_record!, "payload")!;
    expect(payloadForRequeue(rubyPayload, 1800000000)).toBe(rubyPayload);
  });

  it("tryParse never throws", () => {
    expect(tryParse("{")).toBeUndefined();
    expect(tryParse("[1]")).toEqual([1]);
  });
});
