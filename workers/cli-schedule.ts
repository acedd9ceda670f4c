/**
 * The CLI's delayed-job and recurring-schedule commands: thin printers over lib/resque.
 */
import {
  clearDelayed,
  countDelayed,
  deleteSchedule,
  listDelayedTimestamps,
  listSchedules,
  runScheduleNow,
  saveSchedule,
  setScheduleEnabled,
  type Client,
  type Connection,
  type EnqueuedJob,
  type JobRegistry,
} from "../lib/resque/index";
import { confirm, println, UsageError, type CliIo } from "./cli-common";

type Flags = Map<string, string | true>;

/** The value flags these commands take, for the argument parser. */
export const SCHEDULE_VALUE_FLAGS = ["cron", "every", "tz", "class", "queue", "args", "description"];

function parseJsonArg(json: string | undefined): unknown {
  if (json === undefined) return {};
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new UsageError(`The args are not valid JSON (${(e as Error).message}): ${json}`);
  }
}

/**
 * Reads `<iso-date|epoch seconds>`: a bare number is epoch seconds (php's `time() + 300`), anything
 * else must be a date Date.parse understands with an explicit zone or `Z`.
 */
export function parseWhen(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim()))
    throw new UsageError(`Give the time with its zone (2026-12-01T09:00:00+08:00 or …Z), or as epoch seconds: ${text}`);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`Not a date: ${text}`);
  return ms / 1000;
}

function described(job: EnqueuedJob, queue: string): string {
  return job.at === undefined
    ? `Enqueued ${job.className} on ${queue} now (the time has passed)`
    : `Scheduled ${job.className} on ${queue} for ${new Date(job.at * 1000).toISOString()}`;
}

/** `enqueue-in <seconds> <queue> <class> [json]` and `enqueue-at <when> <queue> <class> [json]`. */
export async function enqueueLater(
  client: Client,
  command: "enqueue-in" | "enqueue-at",
  positional: string[],
  registry: JobRegistry,
  io: CliIo,
): Promise<number> {
  const [when, queue, className, json] = positional;
  if (!when || !queue || !className)
    throw new UsageError(
      `Usage: npm run queue -- ${command} ${command === "enqueue-in" ? "<seconds>" : "<iso-date|epoch>"} <queue> <class> [json-args]`,
    );
  const args = parseJsonArg(json);
  let job: EnqueuedJob;
  if (command === "enqueue-in") {
    const sec = Number(when);
    if (!Number.isFinite(sec)) throw new UsageError(`The delay must be a number of seconds: ${when}`);
    job = await client.enqueueIn(sec, queue, className, args);
  } else job = await client.enqueueAt(parseWhen(when), queue, className, args);
  println(io.stdout, `${described(job, queue)}.`);
  if (!registry.get(className))
    println(
      io.stderr,
      `Note: no TypeScript job class is registered as "${className}"; a php-resque, Ruby or node-resque worker must run it.`,
    );
  return 0;
}

/** `delayed [--json]`: the schedule of delayed items, earliest first; `delayed clear [--yes]` empties it. */
export async function printDelayed(conn: Connection, flags: Flags, positional: string[], io: CliIo): Promise<number> {
  if (positional[0] === "clear") {
    const { total } = await countDelayed(conn);
    if (total === 0) {
      println(io.stdout, "There are no delayed jobs to clear.");
      return 0;
    }
    if (!(await confirm(`Delete all ${total} delayed job(s)?`, flags, io))) {
      println(io.stdout, "Nothing cleared.");
      return 1;
    }
    println(io.stdout, `Deleted ${await clearDelayed(conn)} delayed job(s).`);
    return 0;
  }
  if (positional.length)
    throw new UsageError(`Unknown delayed command "${positional[0]}": use \`delayed\` or \`delayed clear\`.`);
  const page = Number(flags.get("page") ?? 1);
  const [counts, list] = await Promise.all([countDelayed(conn), listDelayedTimestamps(conn, { page, perPage: 50 })]);
  if (flags.has("json")) {
    // `total` is the number of jobs (as in the text output); the page's own total is `timestamps`.
    println(io.stdout, JSON.stringify({ ...list, ...counts }, null, 2));
    return 0;
  }
  if (counts.total === 0) {
    println(io.stdout, "No delayed jobs.");
    return 0;
  }
  println(io.stdout, `${counts.total} delayed job(s) at ${counts.timestamps} time(s); ${counts.due} due now.\n`);
  for (const t of list.items) {
    const first = t.first ? `${t.first.payload.className ?? "?"} → ${t.first.queue ?? "(no queue)"}` : "";
    println(
      io.stdout,
      `${new Date(t.timestamp * 1000).toISOString()}  ${String(t.count).padStart(5)}  ${first}${t.count > 1 ? " …" : ""}`,
    );
  }
  return 0;
}

/** `schedule list|add|rm|run|enable|disable`. */
export async function scheduleCommand(
  conn: Connection,
  registry: JobRegistry,
  positional: string[],
  flags: Flags,
  io: CliIo,
): Promise<number> {
  const [sub, name] = positional;
  const needName = () => {
    if (!name) throw new UsageError(`Usage: npm run queue -- schedule ${sub} <name>`);
    return name;
  };
  switch (sub) {
    case undefined:
    case "list": {
      const all = await listSchedules(conn, { registry });
      if (flags.has("json")) {
        println(io.stdout, JSON.stringify(all, null, 2));
        return 0;
      }
      if (all.length === 0) {
        println(io.stdout, "No recurring schedules.");
        return 0;
      }
      for (const s of all) {
        const when = s.cron ? `cron "${s.cron}"${s.timezone ? ` (${s.timezone})` : ""}` : `every ${s.every}`;
        const next = s.nextRunMs ? new Date(s.nextRunMs).toISOString() : "-";
        const last = s.lastRun?.ms ? new Date(s.lastRun.ms).toISOString() : "never";
        println(
          io.stdout,
          `${s.name}: ${s.className ?? "?"} → ${s.queue ?? "?"}, ${when}${s.enabled ? "" : ", disabled"}; next ${next}, last ${last}${s.error ? `; error: ${s.error}` : ""}`,
        );
      }
      return 0;
    }
    case "add": {
      const str = (k: string) => (typeof flags.get(k) === "string" ? (flags.get(k) as string) : undefined);
      const className = str("class");
      if (!name || !className || (!str("cron") && !str("every"))) {
        throw new UsageError(
          'Usage: npm run queue -- schedule add <name> --class <class> (--cron "<expr>" [--tz <zone>] | --every <10m>) [--queue q] [--args json] [--description text] [--disabled] [--replace]',
        );
      }
      const saved = await saveSchedule(
        conn,
        {
          name,
          className,
          cron: str("cron"),
          timezone: str("tz"),
          every: str("every"),
          queue: str("queue"),
          args: parseJsonArg(str("args")),
          description: str("description"),
          enabled: flags.has("disabled") ? false : undefined,
        },
        { registry, create: !flags.has("replace"), allowUnknownClass: flags.has("allow-unknown-class") },
      );
      println(io.stdout, `${saved.created ? "Created" : "Updated"} schedule ${name}.`);
      return 0;
    }
    case "rm":
      if (!(await deleteSchedule(conn, needName()))) throw new UsageError(`No schedule named "${name}".`);
      println(io.stdout, `Removed schedule ${name}.`);
      return 0;
    case "enable":
    case "disable":
      if (!(await setScheduleEnabled(conn, needName(), sub === "enable")))
        throw new UsageError(`No schedule named "${name}".`);
      println(io.stdout, `Schedule ${name} ${sub}d.`);
      return 0;
    case "run": {
      const fired = await runScheduleNow(conn, needName(), { registry });
      if (!fired) throw new UsageError(`No schedule named "${name}".`);
      println(
        io.stdout,
        `Enqueued ${fired.class} on ${fired.queue} from schedule ${name}${fired.id ? ` (id ${fired.id})` : ""}.`,
      );
      return 0;
    }
    default:
      throw new UsageError(`Unknown schedule command "${sub}": use list, add, rm, enable, disable or run.`);
  }
}
