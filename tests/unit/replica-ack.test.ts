import { describe, expect, it } from "vitest";
import { UnconfirmedLog, unconfirmedSentence, type AckResult } from "@/lib/resque/replica-ack";

const short: AckResult = { ok: false, replicas: 0, wanted: 1, timeoutMs: 300 };

describe("UnconfirmedLog", () => {
  it("says the first shortfall at once, then one line a minute with the count since the last", () => {
    const log = new UnconfirmedLog(60_000);
    const what = (n: number) => `${n} job(s)`;
    expect(log.note(what, 2, short, 1_000)).toBe(unconfirmedSentence("2 job(s)", short));
    expect(log.note(what, 3, short, 30_000)).toBeUndefined();
    expect(log.note(what, 4, short, 60_999)).toBeUndefined();
    expect(log.note(what, 1, short, 61_000)).toMatch(
      /^8 job\(s\) not stored on a replica within 300 ms \(0 of 1 confirmed\)/,
    );
  });
});
