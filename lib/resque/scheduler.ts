/**
 * The scheduler: moves due delayed items to their queues and fires recurring schedules.
 *
 * Several may run at once (one per host is usual). A leader lock on resque-scheduler's own key
 * (docs/resque-protocol.md#scheduler-locks) makes one of them the leader; the others are standbys that check the
 * lock every tick and take over within the lock's lifetime when the leader dies (at once when it
 * stops cleanly and releases it). Each scheduler records its heartbeat, last tick and the leader
 * it sees under `tsq:schedulers` for the dashboard's health card. The leader also samples the shared
 * counters into the processed/failed history (history.ts): one process cluster-wide, whichever
 * Resque implementation's workers run the jobs.
 */
import { EventEmitter } from "node:events";
import os from "node:os";
import { Connection, type ConnectionOptions } from "./connection";
import { duplicateClient, type RedisClient } from "./cluster";
import { promoteDueItems, secondsUntilNextDelayed } from "./delayed";
import { HISTORY_SAMPLE_MS, sampleHistory } from "./history";
import type { JobRegistry } from "./job";
import { fireDueSchedules, type FiredSchedule } from "./schedules";
import { UnconfirmedLog } from "./replica-ack";

export interface SchedulerOptions extends ConnectionOptions {
  registry?: JobRegistry;
  /** Seconds between ticks when nothing is due sooner (default 1). */
  tickSec?: number;
  /** Leader lock lifetime in seconds (resque-scheduler's LOCK_TIMEOUT; default 30). */
  lockTimeoutSec?: number;
  /** Items per Lua call when moving due delayed items (RS's DELAYED_REQUEUE_BATCH_SIZE). */
  batchSize?: number;
  /** Distinguishes several schedulers in one process (tests); default `host:pid`. */
  id?: string;
}

export interface SchedulerEvents {
  leader: [];
  standby: [leader: string | null];
  moved: [count: number];
  fired: [fired: FiredSchedule[]];
  error: [error: Error];
  /** Something a person should know that does not stop the scheduler (moves not confirmed by replicas). */
  problem: [message: string];
}

/** One scheduler's record under `tsq:schedulers`. */
export interface SchedulerRecord {
  id: string;
  host: string;
  pid: number;
  role: "leader" | "standby";
  beatAt: string;
  lastTickAt: string;
  /** Items moved and schedules fired by this scheduler since it started. */
  moved: number;
  fired: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly id: string;
  readonly conn: Connection;
  private readonly opts: SchedulerOptions;
  private readonly tickMs: number;
  private readonly lockMs: number;
  private blocker?: RedisClient;
  private running = false;
  private leader = false;
  private loopDone?: Promise<void>;
  private wakeSleep?: () => void;
  private totals = { moved: 0, fired: 0 };
  private historySampledAtMs = -Infinity;
  private readonly unconfirmedLog = new UnconfirmedLog();

  constructor(opts: SchedulerOptions) {
    super();
    this.opts = opts;
    this.conn = new Connection(opts);
    this.id = opts.id ?? `${os.hostname()}:${process.pid}`;
    this.tickMs = (opts.tickSec ?? 1) * 1000;
    this.lockMs = (opts.lockTimeoutSec ?? 30) * 1000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.blocker = duplicateClient(this.conn.redis);
    this.blocker.on("error", () => {});
    this.loopDone = this.loop();
  }

  /** Stops after the current tick and gives up the lock, so a standby takes over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeSleep?.();
    this.blocker?.disconnect();
    await this.loopDone;
    const k = this.conn.keys;
    try {
      await this.conn.run("scheduler-lock", [k.schedulerMasterLock], [this.id, this.lockMs, "release"]);
      await this.conn.redis.hdel(k.schedulers, this.id);
    } catch (e) {
      this.emit("error", e as Error);
    }
    this.leader = false;
  }

  /** One tick: take or renew the lock; as leader, move due items and fire schedules. */
  async tick(nowMs = Date.now()): Promise<void> {
    const k = this.conn.keys;
    const held =
      (await this.conn.run<number>("scheduler-lock", [k.schedulerMasterLock], [this.id, this.lockMs, ""])) === 1;
    if (held !== this.leader) {
      this.leader = held;
      if (held) this.emit("leader");
      else this.emit("standby", await this.conn.redis.get(k.schedulerMasterLock));
    }
    if (held) {
      const moved = await promoteDueItems(this.conn, { batchSize: this.opts.batchSize });
      if (moved) {
        this.totals.moved += moved;
        this.emit("moved", moved);
      }
      const { fired } = await fireDueSchedules(this.conn, { nowMs, registry: this.opts.registry });
      if (fired.length) {
        this.totals.fired += fired.length;
        this.emit("fired", fired);
      }
      await this.confirmMoves(moved + fired.length);
      if (nowMs - this.historySampledAtMs >= HISTORY_SAMPLE_MS) {
        await sampleHistory(this.conn);
        this.historySampledAtMs = nowMs;
      }
    }
    const now = new Date().toISOString();
    const record: SchedulerRecord = {
      id: this.id,
      host: os.hostname(),
      pid: process.pid,
      role: held ? "leader" : "standby",
      beatAt: now,
      lastTickAt: now,
      ...this.totals,
    };
    await this.conn.redis.hset(k.schedulers, this.id, JSON.stringify(record));
  }

  /**
   * The durability option: one WAIT for a tick's moves and firings. A shortfall is logged
   * (rate-limited) and the scheduler carries on: the items are on their queues on the primary,
   * and moving them back or again would duplicate them. The delayed-promote script removes an item
   * in the same call that queues it, so a failover that loses the move loses both halves together:
   * the item is then still delayed on the new primary and moves again (at-least-once, never twice
   * from one surviving state).
   */
  private async confirmMoves(count: number): Promise<void> {
    if (count === 0 || !this.conn.waitsForReplicas) return;
    const r = await this.conn.confirmWrites();
    if (r.ok) return;
    const line = this.unconfirmedLog.note((n) => `${n} delayed job move(s) and schedule firing(s)`, count, r);
    if (line) this.emit("problem", line);
  }

  private async loop(): Promise<void> {
    let backoffMs = 0;
    while (this.running) {
      try {
        await this.tick();
        backoffMs = 0;
        await this.waitForNextTick();
      } catch (e) {
        if (!this.running) break;
        this.emit("error", e as Error);
        backoffMs = Math.min(5000, backoffMs ? backoffMs * 2 : 200);
        await sleep(backoffMs);
      }
    }
  }

  /**
   * The leader waits on the wake-up list our delayed enqueues push to, for at most the time until
   * the earliest scheduled item (so it is moved the moment it is due) or one tick; standbys sleep.
   */
  private async waitForNextTick(): Promise<void> {
    if (!this.running) return;
    if (!this.leader || !this.blocker) {
      await new Promise<void>((r) => {
        this.wakeSleep = r;
        setTimeout(r, this.tickMs);
      });
      return;
    }
    const untilDue = await secondsUntilNextDelayed(this.conn);
    if (untilDue !== null && untilDue * 1000 < this.tickMs) {
      // Redis checks blocking timeouts only every 100 ms (hz 10): for an item due within the
      // tick, a local timer is what makes it move on time.
      if (untilDue > 0) await sleep(untilDue * 1000 + 1);
      return;
    }
    try {
      await this.blocker.blpop(this.conn.keys.schedulerWake, this.tickMs / 1000);
    } catch (e) {
      if (this.running) throw e;
    }
  }
}
