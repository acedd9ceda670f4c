import net from "node:net";
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import {
  UnconfirmedLog,
  ackSettleMs,
  confirmWrites,
  unconfirmedSentence,
  type AckResult,
} from "@/lib/resque/replica-ack";

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

describe("confirmWrites", () => {
  it("a WAIT that never gets an answer (a server that accepts and stays silent) counts as unconfirmed", async () => {
    // A client stuck connecting keeps its WAIT queued and never sees a close: only the bound ends it.
    const server = net.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: null });
    redis.on("error", () => {});
    try {
      const opts = { minReplicas: 1, timeoutMs: 50 };
      expect(ackSettleMs(opts.timeoutMs)).toBe(1050);
      // Settles (vitest's test timeout is the bound) with nobody confirming.
      expect(await confirmWrites(redis, opts)).toEqual({ ok: false, replicas: 0, wanted: 1, timeoutMs: 50 });
    } finally {
      redis.disconnect();
      server.close();
    }
  });
});
