/**
 * `npm run queue -- <command>`: the TypeScript counterpart of
 * `QUEUE_ENV=prod QUEUE_COUNT=1 php app/queue_resque.php [status|clear|restart]`.
 * Errors are one readable line on stderr and a non-zero exit code.
 *
 * `main(argv, io)` reads its settings from `io.env` and writes only to `io.stdout` / `io.stderr`,
 * so the one-shot commands also run inside another process (the tests run them that way); each
 * call opens its own Redis and database connections and closes them before it returns. `work`
 * and `scheduler` run until a signal and belong to a process of their own (the bin).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Client, Connection, isCluster, nodeFor, normalizeNamespace, type RedisClient } from "../lib/resque/index";
import { jsonLogs } from "../lib/log";
import { closeRedis, connectRedis, describeRedis } from "../lib/redis";
import { loadJobClasses } from "./app-include";
import { concurrencyOf, loadEnvFiles, readWorkerConfig, type WorkerConfig } from "./config";
import { logError, setLogRole } from "./log";
import { enqueueLater, printDelayed, scheduleCommand, SCHEDULE_VALUE_FLAGS } from "./cli-schedule";
import { printFailed, printStatus, retryCommand } from "./cli-admin";
import { maxAgeFlag, statusCheck } from "./cli-check";
import { CliError, confirm, println, processIo, UsageError, type CliIo } from "./cli-common";
// The database (kysely, pg, better-sqlite3), auth (argon2), export storage, the supervisor and the
// scheduler are imported by the commands that use them: the Redis-only ones (`status`, `enqueue`,
// `failed`, `retry`, `ping`…) start without loading them: `status` 0.65 → 0.33 core-s.

export type { CliIo } from "./cli-common";

const HELP = `Usage: npm run queue -- <command> [options]

Commands:
  work [--concurrency N]       start QUEUE_COUNT worker processes under a supervisor (default),
                               each running up to N jobs at once (WORKER_CONCURRENCY, default 1)
  status [--json]              queues with sizes, workers and what they are doing, failed count
  status --check [--max-age S] exit 1 with one line per problem (a queue with jobs and no live
                               worker, no scheduler leader for longer than LOCK_TIMEOUT, a head
                               job older than S seconds), else print "ok" and exit 0
  clear [queue...] [--yes]     empty the named queues (all queues when none is named)
  restart                      every supervisor on this Redis replaces its workers gracefully
  scheduler                    run only the scheduler (delayed jobs, recurring schedules)
  setup                        migrate the database, create the first admin (ADMIN_EMAIL /
                               ADMIN_PASSWORD, or a generated password printed once) and seed
                               the demo products and users once (DEMO_SEED=0 skips it)
  admin unlock <email>         clear an account's failed sign-ins (from every address), so a
                               locked-out admin can sign in before the 15-minute window ends
  exports prune [--days N]     remove CSV exports (files and records) older than
                               EXPORT_RETENTION_DAYS (7); \`work\` also does it hourly
  enqueue <queue> <class> [json-args]
                               enqueue one job, php style: args is one JSON value
  enqueue-in <seconds> <queue> <class> [json-args]
  enqueue-at <iso-date|epoch> <queue> <class> [json-args]
                               schedule one job (a time in the past enqueues it now)
  delayed [--json]             delayed jobs by time, earliest first
  delayed clear [--yes]        delete every delayed job (asks first)
  schedule list|add|rm|enable|disable|run [name] [options]
                               recurring schedules; add takes --class C (--cron "0 3 * * *"
                               [--tz Asia/Shanghai] | --every 10m) [--queue q] [--args json]
                               [--description text] [--disabled] [--replace]
  failed [--json] [--page N] [--queue Q] [--class C] [--exception E] [--text T]
                               list failed jobs, newest first
  retry <id...> | --all [--keep]
                               retry failed jobs (removed from the failed list unless --keep)
  ping                         exit 0 when Redis (the Sentinel set's primary, the cluster) answers, else
                               exit 1 with one line saying what is wrong
  help                         this text

Environment: REDIS_URL (or REDIS_BACKEND), or REDIS_SENTINELS with REDIS_SENTINEL_NAME, REDIS_PASSWORD,
REDIS_SENTINEL_PASSWORD, or REDIS_CLUSTER with a hash-tagged RESQUE_NAMESPACE such as {resque} (README:
Redis failover), RESQUE_NAMESPACE (or PREFIX), QUEUE, QUEUE_COUNT (or COUNT), WORKER_CONCURRENCY,
WORKER_HEAP_GROWING_PERCENT (50; 0 = V8's default), INTERVAL, QUEUE_ENV (loads .env.<QUEUE_ENV>),
APP_INCLUDE (extra job classes), SCHEDULER=0 (work without the scheduler), LOCK_TIMEOUT (scheduler
leader lock, seconds), DATABASE_URL, EXPORT_DIR (public/uploads/export), EXPORT_RETENTION_DAYS (7),
EXPORT_STORAGE (a folder, or s3://bucket/prefix with S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE and
AWS credentials).`;

export interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set([
  "concurrency",
  "days",
  "max-age",
  "page",
  "per-page",
  "queue",
  "class",
  "exception",
  "text",
  ...SCHEDULE_VALUE_FLAGS,
]);

export function parseArgs(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  const command = first && !first.startsWith("-") ? first : "work";
  const args = first && !first.startsWith("-") ? rest : argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
      if (VALUE_FLAGS.has(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, v);
      } else flags.set(name, true);
    } else if (a === "-y") flags.set("yes", true);
    else positional.push(a);
  }
  return { command, positional, flags };
}

/** How long a command waits for Sentinel to finish a failover it finds under way (down-after + election). */
const SWITCH_WAIT_MS = 15_000;

/** A connected client, or one clear line: what is wrong, or (Sentinel) that a failover is under way, then it works. */
async function connect(cfg: WorkerConfig, io: CliIo): Promise<RedisClient> {
  try {
    return await connectRedis(cfg.redis, {
      waitMs: SWITCH_WAIT_MS,
      onWait: (line) => println(io.stderr, line),
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/**
 * The configured Redis, safe to print; with Sentinel, also the primary it names now; on a
 * cluster, the primary holding the namespace's slot.
 */
async function sentinelPrimary(cfg: WorkerConfig, redis: RedisClient): Promise<string> {
  if (isCluster(redis)) {
    const node = await nodeFor(redis, normalizeNamespace(cfg.namespace));
    return `${describeRedis(cfg.redis)}, namespace's primary now ${node.options.host}:${node.options.port}`;
  }
  const s = redis.stream;
  const now =
    cfg.redis.kind === "sentinel" && s?.remoteAddress ? `, primary now ${s.remoteAddress}:${s.remotePort}` : "";
  return describeRedis(cfg.redis) + now;
}

/** `work`: the supervisor, until a signal; process-wide (signal handlers, forked workers). */
async function work(cfg: WorkerConfig, io: CliIo): Promise<void> {
  const [{ checkDatabase }, { exportStorageProblem }, { startExportRetention }, { Supervisor }] = await Promise.all([
    import("../lib/db/index"),
    import("../lib/export/storage"),
    import("./export-retention"),
    import("./supervisor"),
  ]);
  // A shared PostgreSQL that refuses us fails the start with one line, not every job later.
  await checkDatabase(io.env);
  // Before any worker starts: an export must not run for minutes and then find nowhere to go.
  const storageProblem = await exportStorageProblem("write", io.env);
  if (storageProblem) throw new CliError(storageProblem);
  const registry = await loadJobClasses(io.env, io.cwd);
  const heartbeat = io.env.RESQUE_HEARTBEAT_INTERVAL ? Number(io.env.RESQUE_HEARTBEAT_INTERVAL) : undefined;
  // A wrong sentinel list or master name is one line and exit 1 here, not a supervisor retrying forever.
  await closeRedis(await connect(cfg, io));
  const sup = new Supervisor({ config: cfg, registry, heartbeatIntervalSec: heartbeat });
  setLogRole("supervisor", { supervisor: sup.id });
  const retention = startExportRetention();
  process.on("SIGTERM", () => void sup.stop("now"));
  process.on("SIGINT", () => void sup.stop("now"));
  process.on("SIGQUIT", () => void sup.stop("graceful"));
  process.on("SIGHUP", () => sup.restart());
  process.on("SIGUSR2", () => sup.relay("SIGUSR2"));
  process.on("SIGCONT", () => sup.relay("SIGCONT"));
  try {
    await sup.start();
  } catch (e) {
    throw new CliError(`Cannot start workers on Redis ${describeRedis(cfg.redis)}: ${(e as Error).message}`);
  } finally {
    await retention.stop();
  }
}

/** The commands that run until a signal: signal handlers and forked workers belong to a process. */
const PROCESS_ONLY = new Set(["work", "scheduler"]);

async function run(p: Parsed, cfg: WorkerConfig, io: CliIo, ownProcess: boolean): Promise<number> {
  const say = (text = "") => println(io.stdout, text);
  if (p.command === "help" || p.flags.has("help")) {
    say(HELP);
    return 0;
  }
  if (PROCESS_ONLY.has(p.command) && !ownProcess)
    throw new UsageError(`\`${p.command}\` runs only as a process of its own: npm run queue -- ${p.command}`);
  if (p.command === "work") {
    const c = p.flags.get("concurrency");
    await work(typeof c === "string" ? { ...cfg, concurrency: concurrencyOf("--concurrency", c) } : cfg, io);
    return 0;
  }
  if (p.command === "setup") {
    const { checkDatabase, databaseUrlFromEnv, migrate, openDb, seedDemo } = await import("../lib/db/index");
    const { describeFirstAdmin, ensureFirstAdmin } = await import("../lib/auth/index");
    await checkDatabase(io.env);
    const db = openDb(databaseUrlFromEnv(io.env), io.env);
    try {
      const { applied } = await migrate(db);
      say(applied.length ? `Database migrated: ${applied.join(", ")}.` : "Database is up to date.");
      for (const line of describeFirstAdmin(await ensureFirstAdmin(db, io.env))) say(line);
      if (!/^(0|false|no|off)$/i.test(io.env.DEMO_SEED ?? "")) {
        const seeded = await seedDemo(db);
        if (seeded.seeded) say(`Demo data seeded: ${seeded.products} products, ${seeded.users} users.`);
      }
    } finally {
      await db.destroy();
    }
    return 0;
  }
  if (p.command === "exports") {
    const { pruneExportsCommand } = await import("./export-retention");
    return pruneExportsCommand(p.positional, p.flags, io);
  }
  if (p.command === "admin") {
    const [sub, email] = p.positional;
    if (sub !== "unlock" || !email) throw new UsageError("Usage: npm run queue -- admin unlock <email>");
    const { databaseUrlFromEnv, migrate, openDb } = await import("../lib/db/index");
    const { clearSignInFailures } = await import("../lib/auth/index");
    const db = openDb(databaseUrlFromEnv(io.env), io.env);
    try {
      await migrate(db);
      const cleared = await clearSignInFailures(db, email);
      say(`Cleared ${cleared} failed sign-in${cleared === 1 ? "" : "s"} of ${email.trim().toLowerCase()}.`);
    } finally {
      await db.destroy();
    }
    return 0;
  }
  if (p.command === "scheduler") {
    setLogRole("scheduler");
    const { runScheduler } = await import("./scheduler-process");
    await runScheduler(cfg, await loadJobClasses(io.env, io.cwd));
    return 0;
  }
  const commands = new Set([
    "ping",
    "status",
    "clear",
    "restart",
    "enqueue",
    "failed",
    "retry",
    "enqueue-in",
    "enqueue-at",
    "delayed",
    "schedule",
  ]);
  if (!commands.has(p.command))
    throw new UsageError(`Unknown command "${p.command}". Run \`npm run queue -- help\` for the list.`);
  const redis = await connect(cfg, io);
  const conn = new Connection({ redis, namespace: cfg.namespace, durability: cfg.durability });
  try {
    switch (p.command) {
      case "status":
        if (p.flags.has("check"))
          return await statusCheck(
            conn,
            { lockTimeoutSec: cfg.lockTimeoutSec, maxAgeSec: maxAgeFlag(p.flags.get("max-age")) },
            io.stdout,
          );
        await printStatus(conn, p.flags.has("json"), io.stdout);
        if (cfg.redis.kind !== "url" && !p.flags.has("json")) say(`\nRedis: ${await sentinelPrimary(cfg, redis)}`);
        return 0;
      case "ping":
        say(`Redis answers: ${await sentinelPrimary(cfg, redis)}`);
        return 0;
      case "failed":
        await printFailed(conn, p.flags, io.stdout);
        return 0;
      case "retry":
        return await retryCommand(conn, p.positional, p.flags, io.stdout);
      case "enqueue-in":
      case "enqueue-at": {
        const registry = await loadJobClasses(io.env, io.cwd);
        return await enqueueLater(
          new Client({ redis, namespace: cfg.namespace, registry, durability: cfg.durability }),
          p.command,
          p.positional,
          registry,
          io,
        );
      }
      case "delayed":
        return await printDelayed(conn, p.flags, p.positional, io);
      case "schedule":
        return await scheduleCommand(conn, await loadJobClasses(io.env, io.cwd), p.positional, p.flags, io);
      case "restart": {
        const n = await redis.publish(conn.keys.control, JSON.stringify({ cmd: "restart", at: Date.now() }));
        say(
          n === 0
            ? "No supervisor is listening on this Redis; nothing to restart."
            : `Restart sent to ${n} supervisor(s); their workers finish their current jobs first.`,
        );
        return 0;
      }
      case "clear": {
        const named = p.positional;
        const queues = named.length ? named : (await redis.smembers(conn.keys.queues)).sort();
        if (queues.length === 0) {
          say("There are no queues to clear.");
          return 0;
        }
        const sizes = await Promise.all(queues.map((q) => redis.llen(conn.keys.queue(q))));
        const total = sizes.reduce((a, b) => a + b, 0);
        if (
          !(await confirm(
            `Clear ${total} job(s) from ${queues.length === 1 ? `queue ${queues[0]}` : `${queues.length} queues (${queues.join(", ")})`}?`,
            p.flags,
            io,
          ))
        ) {
          say("Nothing cleared.");
          return 1;
        }
        const pipe = redis.multi();
        for (const q of queues) pipe.del(conn.keys.queue(q));
        await pipe.exec();
        say(`Cleared ${total} job(s) from ${queues.join(", ")}.`);
        return 0;
      }
      case "enqueue": {
        const [queue, className, json] = p.positional;
        if (!queue || !className) throw new UsageError("Usage: npm run queue -- enqueue <queue> <class> [json-args]");
        let args: unknown = {};
        if (json !== undefined) {
          try {
            args = JSON.parse(json);
          } catch (e) {
            throw new UsageError(`The args are not valid JSON (${(e as Error).message}): ${json}`);
          }
        }
        const registry = await loadJobClasses(io.env, io.cwd);
        const client = new Client({ redis, namespace: cfg.namespace, registry, durability: cfg.durability });
        const job = await client.enqueue(queue, className, args);
        say(`Enqueued ${className} on ${queue} (id ${job.id}).`);
        if (!registry.get(className))
          println(
            io.stderr,
            `Note: no TypeScript job class is registered as "${className}"; a php-resque, Ruby or node-resque worker must run it.`,
          );
        return 0;
      }
    }
    return 0;
  } finally {
    await closeRedis(redis);
  }
}

/**
 * The I/O a call runs with: what `given` names, the process's own for the rest. A given `env` is
 * copied, so the `.env` files it loads do not leak into the caller's object; the process's own
 * environment takes them in place (the supervisor's worker processes inherit them).
 */
function resolveIo(given: Partial<CliIo>): CliIo {
  const own = processIo();
  return {
    env: given.env && given.env !== process.env ? { ...given.env } : own.env,
    cwd: given.cwd ?? own.cwd,
    stdout: given.stdout ?? own.stdout,
    stderr: given.stderr ?? own.stderr,
    get stdin() {
      return given.stdin ?? own.stdin; // only read when a command asks for confirmation
    },
  };
}

/**
 * Entry point; returns the exit code (2 usage, 1 other errors) and leaves exiting to the bin.
 * `io` replaces any part of the process's environment, working directory and standard streams.
 */
export async function main(argv: string[] = process.argv.slice(2), given: Partial<CliIo> = {}): Promise<number> {
  const io = resolveIo(given);
  let command: string | undefined;
  try {
    loadEnvFiles(io.cwd, io.env);
    const parsed = parseArgs(argv);
    command = parsed.command;
    const cfg = readWorkerConfig(io.env);
    return await run(parsed, cfg, io, io.env === process.env);
  } catch (e) {
    const err = e as Error;
    // A programming error keeps its class name so a bug report says what broke; the rest are
    // messages meant for the person at the terminal.
    const bug = err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError;
    const message = `error: ${bug ? `${err.name}: ${err.message}` : err.message}`;
    // `work` and `scheduler` with LOG_FORMAT=json: every line they write stays a JSON object.
    if (command && PROCESS_ONLY.has(command) && jsonLogs(io.env)) logError(message, { err });
    else io.stderr.write(`${message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

/** True when this module is the script node was started with (`node dist/workers/cli.mjs`). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntry()) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      logError(`fatal: ${(e as Error).message}`, { err: e });
      process.exit(1);
    },
  );
}
