/**
 * Queue views and queue-level actions (docs/resque-protocol.md#queues, docs/resque-protocol.md#pausing): sizes,
 * latency, paging through pending jobs, removing one job by its exact bytes, clearing, removing and pausing.
 */
import { execAll, execReading, type Connection } from "../connection";
import { InvalidQueueNameError } from "../errors";
import { decodePayload } from "../payload";
import { scanRecords } from "./failed-read";
import { compileFilter, formatFailedId, grepNeedles, parseFailedId, sha1Hex } from "./failed-record";
import { normalizePage } from "./paging";
import type { Page, PageOptions, PauseState, QueuedJob, QueueInfo } from "./types";

/** Longest queue name the admin views act on; Ruby and redis-cli accept any string, we want a bound. */
const MAX_ADMIN_QUEUE_NAME = 1000;

/**
 * Throws `InvalidQueueNameError` unless the admin views may act on `name`. Looser than QUEUE_NAME,
 * which our own enqueue enforces: a queue another client registered as `a b` or `x<y>` must still
 * be viewable, clearable and removable by its raw name. The key is `queue:<name>` whatever the
 * name holds, so any non-empty string of bounded length is safe to build it from.
 */
export function assertQueueName(name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_ADMIN_QUEUE_NAME)
    throw new InvalidQueueNameError(String(name).slice(0, 200));
}

/** php's `dequeue` scratch lists are not queues (docs/resque-protocol.md#queues). */
function isRealQueue(name: string): boolean {
  return !name.includes(":temp:");
}

/** Registered queue names, sorted, without php's scratch names. O(queues), 1 round trip. */
export async function listQueueNames(conn: Connection): Promise<string[]> {
  const names = await conn.redis.smembers(conn.keys.queues);
  return names.filter(isRealQueue).sort();
}

/**
 * Every registered queue with its size, head-job latency and pause flag. An empty queue is still
 * listed: its name stays in `queues` until removed (docs/resque-protocol.md#queues). A queue key
 * of another Redis type is listed with `keyType` and size 0 rather than failing the whole list.
 * O(queues) redis calls, 2 round trips.
 */
export async function listQueues(conn: Connection): Promise<QueueInfo[]> {
  const k = conn.keys;
  const names = await listQueueNames(conn);
  const pipe = conn.redis.pipeline().time();
  for (const q of names) pipe.type(k.queue(q)).llen(k.queue(q)).lindex(k.queue(q), 0).exists(k.pauseQueue(q));
  const res = await execReading(pipe);
  const [sec, usec] = res[0] as [string, string];
  const nowMs = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  return names.map((name, i) => {
    const type = res[1 + i * 4] as string;
    const wrong = type !== "list" && type !== "none";
    const size = wrong ? 0 : ((res[2 + i * 4] as number | undefined) ?? 0);
    const head = wrong ? null : ((res[3 + i * 4] as string | null | undefined) ?? null);
    const paused = (res[4 + i * 4] as number) === 1;
    const queuedMs = head === null ? undefined : decodePayload(head).queueTimeMs;
    const latencySec =
      queuedMs === undefined || !Number.isFinite(queuedMs) ? null : Math.max(0, (nowMs - queuedMs) / 1000);
    return { name, size, latencySec, paused, ...(wrong ? { keyType: type } : {}) };
  });
}

/**
 * Registered queues whose key holds another Redis type than a list (docs/resque-protocol.md#queues):
 * workers skip them, and a person has to fix or remove them. O(queues), 2 round trips.
 */
export async function queueProblems(conn: Connection): Promise<{ queue: string; keyType: string }[]> {
  const names = await listQueueNames(conn);
  if (names.length === 0) return [];
  const types = (await execAll(names.reduce((p, q) => p.type(conn.keys.queue(q)), conn.redis.pipeline()))) as string[];
  return names.flatMap((queue, i) =>
    types[i] === "list" || types[i] === "none" ? [] : [{ queue, keyType: types[i]! }],
  );
}

/**
 * One page of a queue from its head (index 0 runs next). LLEN and LRANGE share a MULTI so the
 * total and the page agree. O(perPage), 1 round trip.
 */
export async function peekQueue(conn: Connection, queue: string, opts: PageOptions = {}): Promise<Page<QueuedJob>> {
  assertQueueName(queue);
  const { page, perPage, start, stop } = normalizePage(opts);
  const key = conn.keys.queue(queue);
  // A queue key of another type reads as empty here; the Queues page reports it as a problem.
  const [total, stored] = (await execReading(conn.redis.multi().llen(key).lrangeBuffer(key, start, stop))) as [
    number | null,
    Buffer[] | null,
  ];
  return {
    page,
    perPage,
    total: total ?? 0,
    items: (stored ?? []).map((bytes, i) => {
      const raw = bytes.toString("utf8");
      return { index: start + i, raw, payload: decodePayload(raw), ref: formatFailedId(start + i, sha1Hex(bytes)) };
    }),
  };
}

/** Jobs from a queue's head a search looks through: the bound that keeps it cheap on a queue of millions. */
export const QUEUE_SEARCH_WINDOW = 5000;

/**
 * One page of the jobs among the first `window` of a queue (from its head) whose stored text
 * contains `text`, case-insensitive, JSON escapes decoded (as the Failed page's search). Redis
 * drops the entries without the text first (failed-grep over LRANGE windows of 1,000), so only
 * matches cross the network. O(window), ≤ 2 round trips per 4,000 entries looked at.
 */
export async function searchQueue(
  conn: Connection,
  queue: string,
  text: string,
  opts: PageOptions & { window?: number } = {},
): Promise<Page<QueuedJob>> {
  assertQueueName(queue);
  const { page, perPage, start, stop } = normalizePage(opts);
  const key = conn.keys.queue(queue);
  const items: QueuedJob[] = [];
  let total = 0;
  // A key of another type has nothing to search (the Queues page reports it).
  if ((await conn.redis.type(key)) !== "list") return { page, perPage, total, items };
  const match = compileFilter({ text });
  await scanRecords(
    conn,
    key,
    (chunk) => {
      for (const rec of chunk) {
        if (!match(rec.raw)) continue;
        if (total >= start && total <= stop)
          items.push({
            index: rec.index,
            raw: rec.raw,
            payload: decodePayload(rec.raw),
            ref: formatFailedId(rec.index, sha1Hex(rec.bytes)),
          });
        total++;
      }
    },
    { order: "asc", from: 0, to: (opts.window ?? QUEUE_SEARCH_WINDOW) - 1, grep: grepNeedles({ text }) },
  );
  return { page, perPage, total, items };
}

/**
 * Removes one pending job (LREM count 1, as Sidekiq's web does) by its exact stored string, or by
 * its `ref` (`<index>-<digest>` from peekQueue) when the dashboard only holds a cut copy or the
 * bytes are not UTF-8: the entry at that index is read as bytes, its digest checked, and those
 * bytes removed. False when a worker took it or someone else removed it first.
 */
export async function removeQueuedJob(
  conn: Connection,
  queue: string,
  target: string | { ref: string },
): Promise<boolean> {
  assertQueueName(queue);
  const key = conn.keys.queue(queue);
  let match: string | Buffer = typeof target === "string" ? target : "";
  if (typeof target !== "string") {
    const ref = parseFailedId(target.ref);
    const bytes = ref && (await conn.redis.lindexBuffer(key, ref.index));
    if (!ref || !bytes || !sha1Hex(bytes).startsWith(ref.digest)) return false;
    match = bytes;
  }
  const n = await conn.run<number>("remove-queued", [key], [match]);
  return n > 0;
}

/** Deletes every pending job but keeps the queue registered (resque-web Rails' "clear"). Returns how many were dropped. */
export async function clearQueue(conn: Connection, queue: string): Promise<number> {
  assertQueueName(queue);
  const key = conn.keys.queue(queue);
  const [len] = (await execAll(conn.redis.multi().llen(key).del(key))) as [number, number];
  return len;
}

/**
 * Unregisters a queue and drops its jobs, pause flag and our wake-up tokens in one MULTI, so a
 * worker cannot observe a registered queue without its list (Ruby's `remove_queue` + cleanup).
 */
export async function removeQueue(conn: Connection, queue: string): Promise<void> {
  assertQueueName(queue);
  const k = conn.keys;
  await execAll(
    conn.redis.multi().srem(k.queues, queue).del(k.queue(queue)).del(k.pauseQueue(queue)).del(k.wake(queue)),
  );
}

/** resque-pause's per-queue switch, honoured by Ruby with resque-pause and by our workers. */
export async function pauseQueue(conn: Connection, queue: string): Promise<void> {
  assertQueueName(queue);
  await conn.redis.set(conn.keys.pauseQueue(queue), "true");
}

/** Clears resque-pause's per-queue switch. */
export async function resumeQueue(conn: Connection, queue: string): Promise<void> {
  assertQueueName(queue);
  await conn.redis.del(conn.keys.pauseQueue(queue));
}

/** Ruby's global pause (`pause-all-workers=true`, resque ≥ 2.5); our workers honour it too. php and node-resque ignore it. */
export async function pauseAllWorkers(conn: Connection): Promise<void> {
  await conn.redis.set(conn.keys.pauseAllWorkers, "true");
}

/** Clears both global switches, Ruby's and resque-pause's, so "resume" always resumes. */
export async function resumeAllWorkers(conn: Connection): Promise<void> {
  await conn.redis.del(conn.keys.pauseAllWorkers, conn.keys.pauseAll);
}

/**
 * Which pause switches are on. Ruby reads `pause-all-workers` trimmed and lower-cased, so a
 * value like "false" does not pause; resque-pause's keys pause whatever their value.
 * O(queues) redis calls, 2 round trips.
 */
export async function getPauseState(conn: Connection): Promise<PauseState> {
  const k = conn.keys;
  const names = await listQueueNames(conn);
  const pipe = conn.redis.pipeline().get(k.pauseAllWorkers).exists(k.pauseAll);
  for (const q of names) pipe.exists(k.pauseQueue(q));
  const res = await execAll(pipe);
  const rubyAll = typeof res[0] === "string" && (res[0] as string).trim().toLowerCase() === "true";
  const pluginAll = res[1] === 1;
  const queues = names.filter((_, i) => res[2 + i] === 1);
  const source = rubyAll ? "pause-all-workers" : pluginAll ? "pause:all" : undefined;
  return { all: rubyAll || pluginAll, ...(source ? { source } : {}), queues };
}
