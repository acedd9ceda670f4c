import { describe, expect, it } from "vitest";
import { formatAgo, resolveLocale, translator } from "@/lib/i18n";
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
    expect(formatAgo(translator("zh-CN"), 5_000)).toBe("5 秒前");
    expect(formatAgo(translator("en"), 600_000)).toBe("10 min ago");
    expect(formatAgo(translator("en"), 30 * 3_600_000)).toBe("30 h ago");
    expect(formatAgo(translator("zh-CN"), 2_000 * 86_400_000)).toBe("2000 天前");
  });
});
