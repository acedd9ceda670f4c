import { describe, expect, it } from "vitest";
import { formatAgo, formatDuration, formatInZone, formatRelative, formatTime, formatWhen } from "@/lib/format";
import { resolveLocale, translator } from "@/lib/i18n";
import { messages } from "@/lib/i18n/messages";

describe("i18n", () => {
  it("picks the cookie, else the browser's preferred language we speak, else English", () => {
    expect(resolveLocale("zh-CN", "en-US")).toBe("zh-CN");
    expect(resolveLocale(undefined, "zh-TW,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(resolveLocale(undefined, "fr-FR,en;q=0.5,zh;q=0.4")).toBe("en");
    expect(resolveLocale(undefined, "fr-FR")).toBe("en");
    expect(resolveLocale("xx", undefined)).toBe("en");
  });
  it("translates with values, in both languages, and has every key in both", () => {
    expect(translator("en")("workers.on", { job: "SendEmailJob", queue: "mail" })).toBe("SendEmailJob on mail");
    expect(translator("zh-CN")("workers.on", { job: "SendEmailJob", queue: "mail" })).toBe(
      "mail 队列上的 SendEmailJob",
    );
    expect(Object.keys(messages["zh-CN"]).sort()).toEqual(Object.keys(messages.en).sort());
  });
  it("uses the same values in both languages, and shows a count with # only inside a plural", () => {
    // `{name}` and `{name, plural, …}`; a plural branch's own words (`one {1 item}`) are not names.
    const names = (text: string) => [...new Set([...text.matchAll(/\{(\w+)(?=[,}])/g)].map((m) => m[1]))].sort();
    // `#` stands for the count only inside a plural's branch; elsewhere it is printed as is.
    const looseHash = (text: string) => {
      let rest = text;
      for (let at = rest.search(/\{\w+,\s*plural,/); at >= 0; at = rest.search(/\{\w+,\s*plural,/)) {
        let end = at;
        for (let depth = 0; end < rest.length; end++) {
          if (rest[end] === "{") depth++;
          else if (rest[end] === "}" && --depth === 0) break;
        }
        rest = rest.slice(0, at) + rest.slice(end + 1);
      }
      return rest.replace(/#\{/g, "").includes("#");
    };
    const wrong: string[] = [];
    for (const [key, en] of Object.entries(messages.en)) {
      const zh = (messages["zh-CN"] as Record<string, string>)[key]!;
      if (names(en).join() !== names(zh).join()) wrong.push(`${key}: en ${names(en)} / zh-CN ${names(zh)}`);
      for (const [lang, text] of [
        ["en", en],
        ["zh-CN", zh],
      ] as const)
        if (looseHash(text)) wrong.push(`${key} (${lang}): # outside a plural`);
    }
    expect(wrong).toEqual([]);
    expect(translator("zh-CN")("failed.selected", { count: 1200 })).toBe("已选 1,200 条");
    expect(translator("zh-CN")("failed.msg.cleared", { count: 3, list: "failed" })).toBe(
      "已清空 failed：删除了 3 条失败记录。",
    );
  });
});

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const en = translator("en");
const zh = translator("zh-CN");

describe("durations and relative times, rolled up, in both languages", () => {
  it("says a past time in the largest unit that fits", () => {
    expect(formatAgo(zh, 5 * S)).toBe("5秒钟前");
    expect(formatAgo(en, 10 * MIN)).toBe("10 minutes ago");
    expect(formatAgo(en, 30 * HOUR)).toBe("1 day ago");
    expect(formatAgo(zh, 2_000 * DAY)).toBe("5年前");
    expect(formatAgo(en, 1_999)).toBe("just now");
    expect(formatAgo(zh, -5 * S)).toBe("刚刚");
  });

  it("says a time ahead the same way: hours, not 120 minutes; years, not 1125 days", () => {
    expect(formatRelative(en, 120 * MIN)).toBe("in 2 hours");
    expect(formatRelative(zh, 120 * MIN)).toBe("2小时后");
    expect(formatRelative(en, 1_125 * DAY)).toBe("in 3 years");
    expect(formatRelative(zh, 1_125 * DAY)).toBe("3年后");
    expect(formatRelative(en, 40 * DAY)).toBe("in 1 month");
    expect(formatRelative(en, 1_000)).toBe("now");
    expect(formatRelative(zh, 1_000)).toBe("现在");
    expect(formatRelative(en, -3 * MIN)).toBe("3 minutes ago");
  });

  it("moves to the next unit where a value would round up to it", () => {
    // Each boundary: just under stays in the unit, a value that rounds to the next unit's size is said in that unit.
    expect(formatRelative(en, 59 * S)).toBe("in 59 seconds");
    expect(formatRelative(en, 59.6 * S)).toBe("in 1 minute");
    expect(formatRelative(en, 59 * MIN)).toBe("in 59 minutes");
    expect(formatRelative(en, 59.6 * MIN)).toBe("in 1 hour");
    expect(formatRelative(en, 23 * HOUR)).toBe("in 23 hours");
    expect(formatRelative(en, 23.6 * HOUR)).toBe("in 1 day");
    expect(formatRelative(en, 29 * DAY)).toBe("in 29 days");
    expect(formatRelative(en, 300 * DAY)).toBe("in 10 months");
    expect(formatRelative(en, 364 * DAY)).toBe("in 1 year");
    expect(formatRelative(en, 366 * DAY)).toBe("in 1 year");
  });

  it("gives durations in short units, with a decimal only below ten", () => {
    expect(formatDuration(en, 856_900)).toBe("14 min");
    expect(formatDuration(zh, 856_900)).toBe("14分钟");
    expect(formatDuration(en, 300)).toBe("0.3 sec");
    expect(formatDuration(zh, 1_000)).toBe("1秒");
    expect(formatDuration(en, 90 * MIN)).toBe("1.5 hr");
    expect(formatDuration(en, 7_200_000)).toBe("2 hr");
    expect(formatDuration(zh, 3 * DAY)).toBe("3天");
    expect(formatDuration(en, Number.NaN)).toBe("–");
  });

  it("writes an absolute time in the zone asked for, UTC by default, and falls back to UTC for a bad zone", () => {
    const ms = Date.UTC(2026, 10, 29, 10, 42, 7);
    expect(formatTime(ms)).toBe("2026-11-29 10:42:07 UTC");
    expect(formatTime(ms, "Asia/Shanghai")).toBe("2026-11-29 18:42:07 GMT+8");
    expect(formatTime(ms, "America/New_York")).toBe("2026-11-29 05:42:07 EST");
    expect(formatTime(ms, "Mars/Olympus")).toBe("2026-11-29 10:42:07 UTC");
    expect(formatInZone(ms, "Asia/Shanghai")).toBe("2026-11-29 18:42 Asia/Shanghai");
    expect(formatInZone(Date.UTC(2026, 0, 1), "UTC")).toBe("2026-01-01 00:00 UTC");
    expect(formatWhen(zh, ms, ms + 3 * HOUR, { zone: "Asia/Shanghai" })).toBe("3小时前 · 2026-11-29 18:42:07 GMT+8");
  });
});
