/**
 * What the dashboard's JSON routes answer and its pages draw first: one shape per route, read by
 * the server (app/**\/data.ts, app/status-data.ts, the route handlers) and by the client panels
 * that poll it (components/). Types only, no React, no Next.js: both sides import them from here
 * (`import type`), so the server never reaches into a "use client" file for a contract.
 * docs/api describes the same shapes for monitoring.
 */
import type { DelayedItem, DelayedTimestamp, SchedulerHealth } from "@/lib/resque/admin/delayed";
import type {
  FailedFilter,
  FailedGroup,
  FailedJob,
  FailedListInfo,
  KeySummary,
  KeyValue,
  Page,
  PauseState,
  QueuedJob,
  QueueInfo,
  RedisInfo,
  ResqueStats,
  WorkerInfo,
} from "@/lib/resque/admin/types";
import type { HistoryPoint } from "@/lib/resque/history";
import type { ScheduleInfo } from "@/lib/resque/schedules";
import type { ScheduleField } from "@/lib/resque/schedules-parse";
import type { ExportPage } from "@/lib/db/exports";

/** GET /api/status and the overview: one read of stats, queues, workers and the scheduler's health. */
export interface StatusData {
  stats: ResqueStats;
  queues: QueueInfo[];
  workers: WorkerInfo[];
  scheduler: SchedulerHealth;
  /** The pause switches, for the "all workers paused" banner and each queue's state. */
  pause: PauseState;
}

/** GET /api/history: the overview's history chart. */
export interface HistoryData {
  /** The zone days were cut in and labels are written in. */
  timeZone: string;
  /** The last 48 hours, oldest first. */
  hours: HistoryPoint[];
  /** The last 30 days, oldest first. */
  days: HistoryPoint[];
}

/** GET /api/workers and the Workers page. */
export interface WorkersData {
  workers: WorkerInfo[];
  /** The global pause switch, for the "all workers paused" banner. */
  pause: PauseState;
  /** Redis server clock at the read, so ages do not depend on the browser's clock. */
  redisTimeMs: number;
}

/** GET /api/workers/[id] and a worker's page. */
export interface WorkerData {
  id: string;
  /** Null when the id is not registered (stopped or pruned): the page still lists its failures. */
  worker: WorkerInfo | null;
  /** Its newest failures among the newest `failuresWindow` failure records. */
  failures: FailedJob[];
  failuresWindow: number;
  redisTimeMs: number;
}

/** GET /api/working and the Working page. */
export interface WorkingData {
  /** Workers that are running a job, longest-running first. */
  working: Page<WorkerInfo>;
  /** Redis server clock at the read, so "since" does not depend on the browser's clock. */
  redisTimeMs: number;
}

/** GET /api/queues and the Queues page. */
export interface QueuesData {
  queues: QueueInfo[];
  /** Queues no registered worker listens on (after expanding `*` and globs). */
  noWorker: string[];
  pause: PauseState;
}

/** GET /api/queues/[name] and a queue's page. */
export interface QueueJobsData {
  queue: string;
  paused: boolean;
  /** The global switch: no worker takes from any queue while it is on. */
  pause: PauseState;
  jobs: Page<QueuedJob>;
  /** Set when the page is a search (`?q=`): the text, and how many jobs from the head were looked at. */
  search?: { q: string; window: number };
}

/** GET /api/delayed and the Delayed page. */
export interface DelayedListData {
  counts: { total: number; due: number; timestamps: number };
  page: Page<DelayedTimestamp>;
  /** Holder of the scheduler lock (ours/resque-scheduler's, else node-resque's), null when none. */
  leader: string | null;
  /** Server clock at the read: "overdue" and "in 3 min" are measured from it. */
  nowMs: number;
  /** Set for a search (`?q=`): the matching items among the first `window` (earliest first), paged. */
  search?: { q: string; window: number; items: Page<DelayedItem> };
}

/** GET /api/delayed/[timestamp] and a timestamp's page. */
export interface DelayedItemsData {
  timestamp: number;
  items: Page<DelayedItem>;
  nowMs: number;
}

/** GET /api/schedules and the Schedules page. */
export interface SchedulesData {
  schedules: Page<ScheduleInfo>;
  /** Server clock at the read: "in 16 h" is measured from it. */
  nowMs: number;
}

/** What the schedule form sends: every field as typed (the server parses and validates all of it). */
export interface ScheduleForm {
  name: string;
  className: string;
  kind: "cron" | "every";
  cron: string;
  timezone: string;
  every: string;
  queue: string;
  /** JSON text; empty means no arguments. */
  args: string;
  description: string;
  enabled: boolean;
}

/** A field the schedule form can mark: the engine's (InvalidScheduleError), plus the description. */
export type ScheduleFormField = ScheduleField | "description";

/** GET /api/stats and the Stats page: Resque's counters and Redis INFO. */
export interface StatsData {
  stats: ResqueStats;
  info: RedisInfo;
}

/** The key browser's query (`?match=&type=&cursor=&per=`), cleaned. */
export interface KeysQuery {
  match: string;
  /** A Redis type to filter on (SCAN … TYPE), or "" for every type. */
  type: string;
  /** SCAN cursor this page starts at ("0" = the beginning). */
  cursor: string;
  perPage: number;
}

/** GET /api/keys: one SCAN page of keys. */
export interface KeysData {
  query: KeysQuery;
  /** `<namespace>:*`, the pattern a blank match stands for. */
  defaultMatch: string;
  /** Where the next page starts; "0" when the scan is complete. */
  nextCursor: string;
  keys: KeySummary[];
}

/** The key page's query: the key, then a page (lists, sorted sets) or a cursor (sets, hashes, streams). */
export interface KeyValueQuery {
  key: string;
  page: number;
  perPage: number;
  /** SSCAN/HSCAN cursor, or the last stream entry id shown; "0" = from the start. */
  cursor: string;
}

/** GET /api/keys/value: one key's value, paged by type. */
export interface KeyValueData {
  query: KeyValueQuery;
  value: KeyValue;
  /** Strings longer than this many bytes are cut (the engine's MAX_STRING_BYTES). */
  maxStringBytes: number;
  /** Set (to the namespace) when the key is outside it: not read. */
  outsideNamespace?: string;
}

/** GET /api/failed: a page of failures plus what the page around it shows. */
export interface FailedListData extends Page<FailedJob> {
  list: string;
  lists: FailedListInfo[];
  filter: FailedFilter;
  stats: ResqueStats;
}

/** GET /api/failed/groups: counts by class and exception. */
export interface FailedGroupsData {
  groups: FailedGroup[];
  total: number;
  list: string;
  lists: FailedListInfo[];
  filter: FailedFilter;
  stats: ResqueStats;
}

/** GET /api/failed/[id] and the detail page: the failure, or null when it is gone. */
export interface FailedDetailData {
  job: FailedJob | null;
  list: string;
  redisTimeMs: number;
}

/**
 * GET /api/exports and the Exports page: one page of exports, and why the queued ones are not
 * starting when the export queue (or every worker) is paused; null when none is queued on the
 * page, nothing is paused, or Redis could not say.
 */
export interface ExportsData extends ExportPage {
  waiting: { queue: string; reason: "queue-paused" | "all-paused" } | null;
}
