import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatFailedAt, formatIsoSeconds, parseResqueDate } from "@/lib/resque";

const dir = path.resolve(import.meta.dirname, "../fixtures");
const load = (f: string) => JSON.parse(readFileSync(path.join(dir, f), "utf8"));
const php = load("php-resque.json");
const node = load("node-resque.json");
const rb = load("ruby-resque.json") as Record<string, string>;
const field = (raw: string, name: string) => JSON.parse(raw)[name] as string;

describe("parseResqueDate reads every date style in the fixtures", () => {
  const cases: [string, string, number, boolean][] = [
    [
      "php date('c') run_at",
      field(php["v1.3.6/worker_current_job"].raw, "run_at"),
      Date.UTC(2026, 10, 29, 1, 39, 52),
      true,
    ],
    ["php date('c') started", php["develop/worker_started"].raw, Date.UTC(2026, 10, 29, 1, 40, 9), true],
    [
      "php date('c') failed_at",
      field(php["develop/failed_exception"].raw, "failed_at"),
      Date.UTC(2026, 10, 29, 1, 40, 14),
      true,
    ],
    [
      "node Date#toString run_at",
      field(node.worker_current_job.raw, "run_at"),
      Date.UTC(2026, 10, 29, 1, 42, 56),
      true,
    ],
    ["node Date#toString failed_at", field(node.failed_error.raw, "failed_at"), Date.UTC(2026, 10, 29, 1, 43, 2), true],
    ["node epoch-seconds started", node.worker_started.raw, 1795916577_000, true],
    [
      "node Retry plugin, no zone",
      field(node.retry_failure_record.raw, "failed_at"),
      Date.UTC(2026, 10, 29, 1, 43, 3),
      false,
    ],
    ["Ruby failure backend UTC", field(rb.failed_record!, "failed_at"), Date.UTC(2026, 10, 29, 1, 44, 58), true],
    ["Ruby retried_at", field(rb.failed_record_retried!, "retried_at"), Date.UTC(2026, 10, 29, 1, 44, 59), true],
    [
      "Ruby failure backend CST (ambiguous)",
      field(rb.failed_record_local_zone!, "failed_at"),
      Date.UTC(2026, 10, 29, 9, 45, 2),
      false,
    ],
    ["Ruby run_at ISO Z", field(rb.worker_current_job!, "run_at"), Date.UTC(2026, 10, 29, 1, 45, 4), true],
    ["Ruby Time#to_s +0000", rb.worker_started!, Date.UTC(2026, 10, 29, 1, 45, 3), true],
    ["Ruby Time#to_s +0800", rb.worker_started_local_zone!, Date.UTC(2026, 10, 29, 1, 45, 3), true],
    ["Ruby heartbeat +00:00", rb.heartbeat_value!, Date.UTC(2026, 10, 29, 1, 45, 3), true],
    ["Ruby heartbeat +08:00", rb.heartbeat_value_local_zone!, Date.UTC(2026, 10, 29, 1, 45, 3), true],
    ["resque-scheduler last_enqueued_at", rb.last_enqueued_at_value!, Date.UTC(2026, 10, 29, 1, 45, 21), true],
    ["php 1.2 strftime", "Sun Nov 29 01:39:52 UTC 2026", Date.UTC(2026, 10, 29, 1, 39, 52), true],
    ["php 1.2 strftime, US zone", "Sun Nov 29 01:39:52 EST 2026", Date.UTC(2026, 10, 29, 6, 39, 52), true],
    ["ISO with fraction", "2026-11-29T01:39:52.250Z", Date.UTC(2026, 10, 29, 1, 39, 52, 250), true],
    ["epoch milliseconds", "1795916577123", 1795916577123, true],
  ];
  it.each(cases)("%s", (_label, input, ms, zoneKnown) => {
    expect(parseResqueDate(input)).toEqual({ ms, zoneKnown, raw: input });
  });

  it("returns ms null for missing or unreadable values, never throwing", () => {
    for (const bad of [undefined, null, "", "yesterday", "12/29/2026", {}]) expect(parseResqueDate(bad).ms).toBeNull();
    expect(parseResqueDate("yesterday")).toEqual({ ms: null, zoneKnown: false, raw: "yesterday" });
  });

  it("reads back what we write", () => {
    const d = new Date(Date.UTC(2026, 0, 12, 20, 23, 55));
    expect(formatFailedAt(d)).toBe("2026/01/12 20:23:55 UTC");
    expect(parseResqueDate(formatFailedAt(d)).ms).toBe(d.getTime());
    expect(formatIsoSeconds(d)).toBe("2026-01-12T20:23:55Z");
    expect(parseResqueDate(formatIsoSeconds(d)).ms).toBe(d.getTime());
  });
});
