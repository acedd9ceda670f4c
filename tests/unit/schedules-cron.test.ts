import { describe, expect, it } from "vitest";
import { describeCron, describeEvery } from "@/components/resque/schedules-cron";
import { parseEvery } from "@/lib/resque/schedules-parse";

describe("cron in words", () => {
  it("says the common patterns in English", () => {
    const cases: Array<[string, string]> = [
      ["* * * * *", "every minute"],
      ["*/5 * * * *", "every 5 minutes"],
      ["0 * * * *", "every hour"],
      ["15 * * * *", "every hour at :15"],
      ["0 */6 * * *", "every 6 hours"],
      ["30 */2 * * *", "every 2 hours at :30"],
      ["0 3 * * *", "every night at 03:00"],
      ["30 18 * * *", "every day at 18:30"],
      ["0 9,17 * * *", "every day at 09:00 and 17:00"],
      ["0 9 * * 1-5", "every weekday at 09:00"],
      ["0 10 * * SAT,SUN", "every Saturday and Sunday at 10:00"],
      ["0 8 * * 1,3,5", "every Monday, Wednesday, and Friday at 08:00"],
      ["0 8 * * 0", "every Sunday at 08:00"],
      ["0 8 * * 7", "every Sunday at 08:00"],
      ["0 0 1 * *", "every month on day 1 at 00:00"],
      ["0 0 1,15 * *", "every month on day 1 and 15 at 00:00"],
      ["0 0 25 12 *", "every year on Dec 25 at 00:00"],
      ["@daily", "every night at 00:00"],
      ["@hourly", "every hour"],
      ["0 0 3 * * *", "every night at 03:00"],
    ];
    for (const [cron, words] of cases) expect(describeCron("en", cron), cron).toBe(words);
  });

  it("says the same patterns in Chinese", () => {
    expect(describeCron("zh-CN", "*/5 * * * *")).toBe("每 5 分钟");
    expect(describeCron("zh-CN", "0 3 * * *")).toBe("每天凌晨 03:00");
    expect(describeCron("zh-CN", "30 18 * * *")).toBe("每天 18:30");
    expect(describeCron("zh-CN", "0 9 * * 1-5")).toBe("每个工作日 09:00");
    expect(describeCron("zh-CN", "0 8 * * 1,3,5")).toBe("每星期一、星期三和星期五 08:00");
    expect(describeCron("zh-CN", "0 0 1 * *")).toBe("每月 1 日 00:00");
    expect(describeCron("zh-CN", "0 0 25 12 *")).toBe("每年 12月25日 00:00");
    expect(describeCron("zh-CN", "15 * * * *")).toBe("每小时的第 15 分");
  });

  it("answers null rather than a wrong sentence for patterns it does not know", () => {
    for (const cron of [
      "*/7 * * * *",
      "*/15 9-17 * * 1-5",
      "0 9 * * 1#2",
      "0 0 L * *",
      "5 0 * 8 *",
      "30 0 3 * * *",
      "garbage",
      "0 0 * * * * *",
      "0 0 1 1 1",
    ]) {
      expect(describeCron("en", cron), cron).toBe(null);
    }
  });

  it("says every-intervals by their largest whole unit", () => {
    const say = (text: string, locale: "en" | "zh-CN" = "en") => describeEvery(locale, parseEvery(text)!.ms);
    expect(say("15m")).toBe("every 15 minutes");
    expect(say("1h")).toBe("every hour");
    expect(say("1h30m")).toBe("every 90 minutes");
    expect(say("36h")).toBe("every 36 hours");
    expect(say("1d")).toBe("every day");
    expect(say("2 days")).toBe("every 2 days");
    expect(say("90s")).toBe("every 90 seconds");
    expect(say("1s")).toBe("every second");
    expect(say("10s", "zh-CN")).toBe("每 10 秒");
    expect(say("1d", "zh-CN")).toBe("每天");
  });
});
