/**
 * lib/log.ts, the logger of the web app's routes and actions (webLog) and of every worker-side
 * process: the JSON form's fields, the text form unchanged for a person.
 */
import { describe, expect, it } from "vitest";
import { createLogger, jsonLogs, logJobArgs } from "@/lib/log";

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => lines.push(s) } };
}

describe("lib/log", () => {
  it("LOG_FORMAT=json (any case) asks for JSON lines; anything else is text; args only with LOG_JOB_ARGS=1", () => {
    expect(jsonLogs({ LOG_FORMAT: "json" })).toBe(true);
    expect(jsonLogs({ LOG_FORMAT: " JSON " })).toBe(true);
    expect(jsonLogs({ LOG_FORMAT: "text" })).toBe(false);
    expect(jsonLogs({})).toBe(false);
    expect(logJobArgs({ LOG_JOB_ARGS: "1" })).toBe(true);
    expect(logJobArgs({ LOG_JOB_ARGS: "true" })).toBe(false);
    expect(logJobArgs({})).toBe(false);
  });

  it("JSON: one object per line with level name, epoch-ms time, pid, role, bindings, fields and a serialized error", () => {
    const out = capture();
    const log = createLogger("web", { env: { LOG_FORMAT: "json" }, stream: out.stream, bindings: { instance: "a" } });
    expect(log.json).toBe(true);
    const err = new TypeError("boom");
    const before = Date.now();
    log.error("GET /api/queues failed", { event: "route.error", path: "/api/queues", err });
    log.info("plain");
    const after = Date.now();
    expect(out.lines).toHaveLength(2);
    for (const l of out.lines) expect(l.endsWith("\n") && !l.slice(0, -1).includes("\n")).toBe(true);
    const [first, second] = out.lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      level: "error",
      pid: process.pid,
      role: "web",
      instance: "a",
      event: "route.error",
      path: "/api/queues",
      msg: "GET /api/queues failed",
      err: { type: "TypeError", message: "boom", stack: expect.stringContaining("TypeError: boom") },
    });
    expect(first.time).toEqual(expect.any(Number)); // epoch ms, pino's default
    expect(first.time).toBeGreaterThanOrEqual(before);
    expect(first.time).toBeLessThanOrEqual(after);
    expect(second).toMatchObject({ level: "info", role: "web", msg: "plain" });
  });

  it("JSON: a job line built by hand is the line pino writes, byte for byte (time aside); other lines go to pino", () => {
    const fields = [
      undefined,
      { event: "job.start", jobId: "a1b2", jobClass: "Mail\\Send", queue: "q", attempt: 1 },
      { event: "job.success", jobId: "x", durationMs: 0, n: -1.5, big: 1e21, ok: true, no: false, gone: undefined },
      { s: 'quote " backslash \\ newline \n tab \t control \u0001 é 中文 😀', 'key "q"': "v" },
      { event: "job.failure", err: new TypeError("boom") },
      { args: [1, { a: 2 }], nan: Number.NaN },
    ];
    const write = (flat: boolean) => {
      const out = capture();
      const log = createLogger("worker", {
        env: { LOG_FORMAT: "json" },
        stream: out.stream,
        bindings: { worker: 'vm:1:"q"' },
        flat,
      });
      for (const f of fields) {
        log.info('msg "quoted" \u0002 中文', f);
        log.warn("w", f);
        log.error("e", f);
      }
      return out.lines.map((l) => l.replace(/"time":\d+/, '"time":0'));
    };
    const pinoLines = write(false);
    expect(pinoLines).toHaveLength(fields.length * 3);
    expect(write(true)).toEqual(pinoLines);
  });

  it("text: `<ISO time> <message>`, fields left out; the stack follows only where asked (the web app), errors to the error stream", () => {
    const out = capture();
    const errOut = capture();
    const worker = createLogger("worker", { env: {}, stream: out.stream });
    expect(worker.json).toBe(false);
    worker.error("worker 1: FailJob on q failed: Error: x", { jobId: "j1", err: new Error("x") });
    expect(out.lines).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z worker 1: FailJob on q failed: Error: x\n$/),
    ]);

    const web = createLogger("web", { env: {}, stream: out.stream, errorStream: errOut.stream, stacks: true });
    web.error("GET /api/x failed", { err: new Error("kaput") });
    expect(out.lines).toHaveLength(1);
    expect(errOut.lines[0]).toMatch(/^\S+Z GET \/api\/x failed\nError: kaput\n\s+at /);
  });
});
