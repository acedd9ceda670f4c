/**
 * Seeds the dashboard bench's data set straight into Redis, the way php-resque stores it:
 * queued payloads `{"class","args","id","prefix","queue_time"}` in a few queues, failure records
 * in `<ns>:failed` (newest at the tail), plus a handful of workers, delayed items, schedules and
 * counters so every dashboard route has something to read. Queued jobs are built inside Redis by
 * a Lua script (a million JSON.stringify calls and 170 MB over the socket cost several seconds
 * more on a busy machine); failure records are RPUSHed 1,000 per command, 50 commands per trip.
 */
import { randomBytes } from "node:crypto";
import {
  beat,
  type Connection,
  encodeDelayedItem,
  type RedisClient,
  registerWorker,
  saveSchedule,
} from "../../lib/resque/index.js";

export interface DatasetSpec {
  queued: number;
  failed: number;
}

/** What the route table needs to build its URLs. */
export interface Dataset extends DatasetSpec {
  bigQueue: string;
  bigQueueSize: number;
  /** A job class on ~1% of the failure records. */
  rareClass: string;
  /** A phrase in the error message of ~1% of the failure records. */
  rareText: string;
  drainQueue: string;
}

/** Share of the queued jobs per queue; the first is the "big" queue the bench pages through. */
const QUEUE_SHARES: [string, number][] = [
  ["reports", 0.7],
  ["mail", 0.15],
  ["default", 0.1],
  ["low", 0.05],
];
const CLASSES = [
  "App_Job_SendReport",
  "App_Job_SendMail",
  "App_Job_ResizeImage",
  "App_Job_SyncCrm",
  "App_Job_ExportCsv",
];
const EXCEPTIONS: [string, string][] = [
  ["RuntimeException", "Timeout after 30 s talking to api.example.com"],
  ["PDOException", "SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock"],
  ["InvalidArgumentException", 'Missing field "email" in user record'],
  ["Resque_Job_DirtyExitException", "Job exited with exit code 255"],
];
const RARE_CLASS = "App_Job_RareLedgerRebuild";
const RARE_TEXT = "certificate has expired";
const BATCH = 1000;
const COMMANDS_PER_TRIP = 50;

const hexId = (i: number, salt: string) => salt + i.toString(16).padStart(24, "0");

function phpPayload(cls: string, i: number, salt: string, queueTimeSec: number): string {
  return JSON.stringify({
    class: cls,
    args: [{ user_id: 1000 + (i % 50_000), report: "monthly", page: i % 40 }],
    id: hexId(i, salt),
    prefix: "",
    queue_time: queueTimeSec,
  });
}

/** RPUSHes `make(i)` for i in [0, n) in commands of 1,000 values, 50 commands per round trip. */
async function pushMany(redis: RedisClient, key: string, n: number, make: (i: number) => string): Promise<void> {
  for (let start = 0; start < n; start += BATCH * COMMANDS_PER_TRIP) {
    const pipe = redis.pipeline();
    for (let b = start; b < Math.min(n, start + BATCH * COMMANDS_PER_TRIP); b += BATCH) {
      const values: string[] = [];
      for (let i = b; i < Math.min(n, b + BATCH); i++) values.push(make(i));
      pipe.rpush(key, ...values);
    }
    for (const [err] of (await pipe.exec())!) if (err) throw err;
  }
}

/**
 * KEYS[1] queue list. ARGV: from, to (exclusive), id salt, now (epoch s), comma-joined classes,
 * queue size. RPUSHes php payloads for jobs [from, to), oldest first (0.06 s apart). Returns the count.
 */
const SEED_QUEUE_LUA = `
local classes = {}
for c in string.gmatch(ARGV[5], '[^,]+') do classes[#classes + 1] = c end
local from, to, now, size = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[6])
local batch = {}
for i = from, to - 1 do
  batch[#batch + 1] = string.format('{"class":"%s","args":[{"user_id":%d,"report":"monthly","page":%d}],"id":"%s%024x","prefix":"","queue_time":%.6f}',
    classes[(i % #classes) + 1], 1000 + i % 50000, i % 40, ARGV[3], i, now - (size - i) * 0.06)
  if #batch == 1000 then
    redis.call('RPUSH', KEYS[1], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('RPUSH', KEYS[1], unpack(batch)) end
return to - from
`;
/** Jobs per script call: each blocks Redis for a few hundred ms, which only the seeding sees. */
const LUA_CHUNK = 100_000;

/** Jobs of php-style payloads into a few queues totalling `n` (registered in `<ns>:queues`). */
export async function seedQueued(conn: Connection, n: number): Promise<{ bigQueue: string; bigQueueSize: number }> {
  const salt = randomBytes(4).toString("hex");
  const nowSec = Date.now() / 1000;
  let left = n;
  const sizes = QUEUE_SHARES.map(([name, share], i) => {
    const size = i === QUEUE_SHARES.length - 1 ? left : Math.round(n * share);
    left -= size;
    return [name, size] as const;
  });
  for (const [name, size] of sizes) {
    await conn.redis.sadd(conn.keys.queues, name);
    for (let from = 0; from < size; from += LUA_CHUNK) {
      await conn.redis.eval(
        SEED_QUEUE_LUA,
        1,
        conn.keys.queue(name),
        from,
        Math.min(size, from + LUA_CHUNK),
        salt,
        nowSec,
        CLASSES.join(","),
        size,
      );
    }
  }
  return { bigQueue: sizes[0]![0], bigQueueSize: sizes[0]![1] };
}

/** `n` php-resque failure records, one in a hundred of the rare class and one in a hundred with the rare text. */
export async function seedFailed(conn: Connection, n: number): Promise<void> {
  const salt = randomBytes(4).toString("hex");
  const nowMs = Date.now();
  const queues = QUEUE_SHARES.map(([q]) => q);
  await pushMany(conn.redis, conn.keys.failed, n, (i) => {
    const cls = i % 100 === 7 ? RARE_CLASS : CLASSES[i % CLASSES.length]!;
    const [exception, message] = EXCEPTIONS[i % EXCEPTIONS.length]!;
    const error =
      i % 100 === 42 ? `cURL error 60: SSL ${RARE_TEXT} (see https://curl.se/libcurl/c/libcurl-errors.html)` : message;
    const failedAt = new Date(nowMs - (n - i) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    const queue = queues[i % queues.length]!;
    return JSON.stringify({
      failed_at: failedAt,
      payload: JSON.parse(phpPayload(cls, i, salt, (nowMs - (n - i) * 1000 - 5000) / 1000)),
      exception,
      error,
      backtrace: [
        `#0 /srv/app/src/Job/${cls.slice(8)}.php(${40 + (i % 60)}): App\\Service\\Client->call()`,
        "#1 /srv/app/vendor/resque/php-resque/lib/Resque/Job.php(201): " + cls + "->perform()",
        "#2 /srv/app/vendor/resque/php-resque/lib/Resque/Worker.php(303): Resque_Job->perform()",
        "#3 /srv/app/vendor/resque/php-resque/lib/Resque/Worker.php(242): Resque_Worker->perform()",
        "#4 {main}",
      ],
      worker: `web-${i % 4}:${2000 + (i % 7)}:${queue}`,
      queue,
    });
  });
  await conn.redis.set(conn.keys.statFailed, String(n));
}

/**
 * The parts that do not grow with the data set: 8 idle workers with a fresh heartbeat, 5
 * recurring schedules, the processed counter; and delayed items, one per 10 failures (at least
 * 100), over 100 timestamps.
 */
export async function seedExtras(conn: Connection, delayedItems: number): Promise<void> {
  const ids = Array.from(
    { length: 8 },
    (_, i) => `bench-host-${i % 2}:${3000 + i}:${QUEUE_SHARES.map(([q]) => q).join(",")}`,
  );
  for (const id of ids) await registerWorker(conn, id);
  await beat(conn, ids);
  for (let i = 0; i < 5; i++)
    await saveSchedule(conn, {
      name: `bench_schedule_${i}`,
      className: CLASSES[i]!,
      cron: `${i * 5} 3 * * *`,
      queue: "low",
      args: { n: i },
    });
  await conn.redis.set(conn.keys.statProcessed, "123456789");
  const base = Math.floor(Date.now() / 1000) + 3600;
  for (let start = 0; start < delayedItems; start += 10_000) {
    const pipe = conn.redis.pipeline();
    for (let i = start; i < Math.min(delayedItems, start + 10_000); i++) {
      const ts = base + (i % 100) * 60;
      const item = encodeDelayedItem(CLASSES[i % CLASSES.length]!, [{ i }], "mail");
      pipe
        .rpush(conn.keys.delayed(ts), item)
        .sadd(conn.keys.timestamps(item), "delayed:" + ts)
        .zadd(conn.keys.delayedSchedule, ts, String(ts));
    }
    for (const [err] of (await pipe.exec())!) if (err) throw err;
  }
}

/** The whole data set of one size; the caller flushes Redis first. */
export async function seedDataset(conn: Connection, spec: DatasetSpec): Promise<Dataset> {
  const big = await seedQueued(conn, spec.queued);
  await seedFailed(conn, spec.failed);
  await seedExtras(conn, Math.max(100, Math.round(spec.failed / 10)));
  return { ...spec, ...big, rareClass: RARE_CLASS, rareText: RARE_TEXT, drainQueue: "drain" };
}

/** `n` no-op jobs for the workers to drain (class NoopJob from bench/lib/noop-jobs.mjs). */
export async function seedDrain(conn: Connection, queue: string, n: number): Promise<void> {
  const salt = randomBytes(4).toString("hex");
  const nowSec = Date.now() / 1000;
  await conn.redis.sadd(conn.keys.queues, queue);
  await pushMany(conn.redis, conn.keys.queue(queue), n, (i) =>
    JSON.stringify({ class: "NoopJob", args: [{ i }], id: hexId(i, salt), prefix: "", queue_time: nowSec }),
  );
}
