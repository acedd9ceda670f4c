import { describe, expect, it } from "vitest";
import { translator } from "@/lib/i18n";
import { parseTimestamp } from "@/app/(dashboard)/delayed/data";
import { zonedInputToMs, zonedInputValue } from "@/lib/format";
import { pagingFrom } from "@/lib/dashboard/paging";
import { checkScheduleForm } from "@/app/(dashboard)/schedules/form";
import { createRegistry } from "@/jobs/index";

const t = translator("en");
const form = {
  name: "n",
  className: "C",
  kind: "cron",
  cron: "0 3 * * *",
  timezone: "",
  every: "",
  queue: "",
  args: "",
  description: "",
  enabled: true,
};

describe("delayed page input", () => {
  it("reads a datetime-local value on a zone's wall clock, with or without seconds, and refuses dates that do not exist", () => {
    expect(zonedInputToMs("2026-11-29T10:42")).toBe(Date.UTC(2026, 10, 29, 10, 42));
    expect(zonedInputToMs("2026-11-29T10:42:07", "UTC")).toBe(Date.UTC(2026, 10, 29, 10, 42, 7));
    expect(zonedInputToMs(" 2020-01-01 00:00 ")).toBe(1577836800_000);
    expect(zonedInputToMs("2026-11-29T18:42:07", "Asia/Shanghai")).toBe(Date.UTC(2026, 10, 29, 10, 42, 7));
    expect(zonedInputToMs("2026-07-01T09:00", "America/New_York")).toBe(Date.UTC(2026, 6, 1, 13));
    expect(zonedInputToMs("2026-12-01T09:00", "America/New_York")).toBe(Date.UTC(2026, 11, 1, 14));
    // 02:30 does not exist on the spring-forward day: taken with the offset before the jump (EST).
    expect(zonedInputToMs("2027-03-14T02:30", "America/New_York")).toBe(Date.UTC(2027, 2, 14, 7, 30));
    // 01:30 happens twice on the fall-back day: the first (EDT) is meant, east of UTC too.
    expect(zonedInputToMs("2027-11-07T01:30", "America/New_York")).toBe(Date.UTC(2027, 10, 7, 5, 30));
    expect(zonedInputToMs("2027-10-31T02:30", "Europe/Berlin")).toBe(Date.UTC(2027, 9, 31, 0, 30));
    expect(zonedInputToMs("2027-03-28T02:30", "Europe/Berlin")).toBe(Date.UTC(2027, 2, 28, 1, 30));
    for (const bad of [
      "",
      "tomorrow",
      "2026-02-30T10:00",
      "2026-13-01T00:00",
      "2026-11-29T24:00",
      "2026-11-29T10:60",
      "10000-01-01T00:00",
      "2026-11-29T10:42Z",
    ]) {
      expect(zonedInputToMs(bad, "Asia/Shanghai"), bad).toBe(null);
    }
  });

  it("fills the field with the same instant on the zone's wall clock, and reads it back to that instant", () => {
    const ms = Date.UTC(2026, 10, 29, 10, 42, 7);
    expect(zonedInputValue(ms)).toBe("2026-11-29T10:42:07");
    expect(zonedInputValue(ms, "Asia/Shanghai")).toBe("2026-11-29T18:42:07");
    for (const zone of ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "America/Anchorage"])
      for (const at of [ms, Date.UTC(2027, 2, 14, 12), Date.UTC(2028, 1, 29, 23, 59, 59)])
        expect(zonedInputToMs(zonedInputValue(at, zone), zone), `${zone} ${at}`).toBe(at);
  });

  it("takes only whole-second timestamps from a URL, and clamps paging to what the pages offer", () => {
    expect(parseTimestamp("1795920176")).toBe(1795920176);
    for (const bad of ["", "-1", "1.5", "1e9", "0x10", "253402300800", "abc"])
      expect(parseTimestamp(bad), bad).toBe(null);
    const q = (s: string) => pagingFrom((k) => new URLSearchParams(s).get(k));
    expect(q("page=3&per=50")).toEqual({ page: 3, perPage: 50 });
    expect(q("page=-2&per=7")).toEqual({ page: 1, perPage: 20 });
    expect(q("page=abc")).toEqual({ page: 1, perPage: 20 });
  });
});

describe("schedule form input", () => {
  it("turns the form into the engine's input: an object is the php-style value, an array the whole args list", () => {
    expect(checkScheduleForm({ ...form, args: '{"to":"a"}', queue: " mail " }, t)).toEqual({
      input: expect.objectContaining({
        name: "n",
        className: "C",
        cron: "0 3 * * *",
        queue: "mail",
        args: { to: "a" },
        enabled: true,
      }),
    });
    expect(checkScheduleForm({ ...form, args: '["a", 1]' }, t)).toEqual({
      input: expect.objectContaining({ argsArray: ["a", 1] }),
    });
    const every = checkScheduleForm(
      { ...form, kind: "every", every: "15m", cron: "ignored", timezone: "ignored" },
      t,
    ) as { input: { every?: string; cron?: string; timezone?: string } };
    expect(every.input.every).toBe("15m");
    expect([every.input.cron, every.input.timezone]).toEqual([undefined, undefined]);
  });

  it("names the field of each mistake", () => {
    const field = (patch: object) => (checkScheduleForm({ ...form, ...patch }, t) as { field?: string }).field;
    expect(field({ name: " " })).toBe("name");
    expect(field({ className: "" })).toBe("class");
    expect(field({ cron: "" })).toBe("cron");
    expect(field({ cron: "61 * * * *" })).toBe("cron");
    expect(field({ timezone: "Mars/Olympus" })).toBe("timezone");
    expect(field({ kind: "every", every: "soon" })).toBe("every");
    expect(field({ queue: "no spaces" })).toBe("queue");
    expect(field({ args: "{oops" })).toBe("args");
    expect(field({ description: "x".repeat(1001) })).toBe("description");
    expect(field({ cron: 42 })).toBe("cron");
    expect(checkScheduleForm(null, t)).toMatchObject({ field: "name", message: "Required." });
  });

  it("reports every refused field at once, engine checks included", () => {
    const r = checkScheduleForm(
      { ...form, name: " ", cron: "61 * * * *", timezone: "Mars/Olympus", queue: "no spaces", args: "{oops" },
      t,
    );
    expect("fields" in r && Object.keys(r.fields).sort()).toEqual(["args", "cron", "name", "queue", "timezone"]);
    expect("fields" in r && r.fields.queue).toBe("“no spaces” is not a valid queue name.");
    const every = checkScheduleForm({ ...form, kind: "every", every: "soon", className: "", queue: "a b" }, t);
    expect("fields" in every && Object.keys(every.fields).sort()).toEqual(["class", "every", "queue"]);
  });

  it("checks args against a registered class's schema, and accepts a class this app does not know", () => {
    const registry = createRegistry();
    const bad = checkScheduleForm(
      { ...form, className: "SendEmailJob", args: '{"to": "not-an-email"}', cron: "nope" },
      t,
      registry,
    );
    expect("fields" in bad && Object.keys(bad.fields).sort()).toEqual(["args", "cron"]);
    expect("fields" in bad && bad.fields.args).toMatch(/^The arguments are not accepted: .*to/);
    const good = checkScheduleForm(
      { ...form, className: "SendEmailJob", args: '{"to": "a@example.com", "subject": "s", "body": "b"}' },
      t,
      registry,
    );
    expect(good).toHaveProperty("input");
    expect(checkScheduleForm({ ...form, className: "App\\Jobs\\Report" }, t, registry)).toHaveProperty("input");
  });
});
