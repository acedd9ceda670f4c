/**
 * Filtered failure scans search in Redis first (failed-grep.lua) and check exactly afterwards.
 * The first pass may only drop records that could never match: for every filter, the totals and
 * the ids must equal a brute-force pass of compileFilter over every stored record.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compileFilter, grepNeedles, listFailed, removeAllFailed, type FailedFilter } from "@/lib/resque";
import { testNamespace, testRedis } from "../helpers/ns";
import { loadEntries, loadRuby, makeConn, seedRaw } from "../helpers/fixtures";

const php = loadEntries("php-resque");
const node = loadEntries("node-resque");
const rb = loadRuby();
const redis = testRedis();
afterAll(() => redis.disconnect());

/** Real records from the three implementations, plus hand-made ones in each encoder's escaping. */
function records(): string[] {
  const fixtures = [
    ...Object.values(php)
      .filter((e) => e?.key?.endsWith(":failed"))
      .map((e) => e.raw),
    ...Object.values(node)
      .filter((e) => e?.key?.endsWith(":failed"))
      .map((e) => e.raw),
    ...Object.entries(rb)
      .filter(([k, v]) => k.startsWith("failed") && !k.endsWith("_key") && typeof v === "string" && v.startsWith("{"))
      .map(([, v]) => v),
  ];
  const made: string[] = [];
  for (let i = 0; i < 300; i++) {
    const cls = ["Common\\Job\\SendEmailJob", "Reports/Monthly", "Zoë\\Job", "BatchExportJob"][i % 4]!;
    const queue = ["mail", "reports/monthly", "导出", "default"][i % 3]!;
    const rec = {
      failed_at: "2026-11-29 10:00:00 UTC",
      payload: { class: cls, args: [{ n: i, note: i % 7 === 0 ? "Timeout <b>&'" : "ok" }] },
      exception: i % 5 ? "RuntimeException" : "Net::ReadTimeout",
      error: `failed at step ${i}`,
      backtrace: [`/app/jobs/x.php:${i}`],
      worker: "h:1:mail",
      queue,
    };
    // php escapes "/" and non-ASCII; Ruby and node do not.
    const plain = JSON.stringify(rec);
    made.push(
      i % 2
        ? plain
        : plain
            .replace(/\//g, "\\/")
            .replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")),
    );
  }
  return [...fixtures, ...made];
}

describe("failed-grep first pass", () => {
  it("finds exactly what the full client-side scan finds, for every kind of filter value", async () => {
    const ns = testNamespace("grep");
    const conn = makeConn(redis, ns);
    const all = records();
    for (const raw of all) await seedRaw(redis, ns, { key: "resque:failed", type: "list", raw });
    const filters: FailedFilter[] = [
      { class: "Common\\Job\\SendEmailJob" },
      { class: "Reports/Monthly" },
      { queue: "reports/monthly" },
      { queue: "mail", exception: "Net::ReadTimeout" },
      { text: "STEP 12" },
      { text: "timeout" },
      { text: "<b>" },
      { class: "Zoë\\Job" },
      { queue: "导出" },
      { text: "x.php:2" },
      { exception: "NoSuchException" },
    ];
    for (const filter of filters) {
      const match = compileFilter(filter);
      const expected = all
        .map((raw, index) => ({ raw, index }))
        .filter((r) => match(r.raw))
        .map((r) => r.index)
        .reverse();
      const page = await listFailed(conn, { filter, perPage: 1000 });
      expect(page.total, JSON.stringify(filter)).toBe(expected.length);
      expect(
        page.items.map((i) => i.index),
        JSON.stringify(filter),
      ).toEqual(expected);
    }
    // Values an encoder may write in more than one way are not searched in Redis at all.
    expect(grepNeedles({ class: "Zoë\\Job" })).toBeNull();
    expect(grepNeedles({ text: "<b>" })).toBeNull();
    expect(grepNeedles({ class: "Reports/Monthly" })).toEqual([
      { ci: false, alts: ["Reports/Monthly", "Reports\\/Monthly"] },
    ]);
  });

  it("removes all matches of a filter through the first pass, and nothing else", async () => {
    const ns = testNamespace("grep-rm");
    const conn = makeConn(redis, ns);
    const all = records();
    for (const raw of all) await seedRaw(redis, ns, { key: "resque:failed", type: "list", raw });
    const filter = { class: "Reports/Monthly" };
    const match = compileFilter(filter);
    const r = await removeAllFailed(conn, filter);
    expect(r.removed).toBe(all.filter((raw) => match(raw)).length);
    expect(r.removed).toBeGreaterThan(50);
    const left = await redis.lrange(`${ns}:failed`, 0, -1);
    expect(left).toEqual(all.filter((raw) => !match(raw)));
  });
});
