import { getSchedule, listSchedules, normalizePage, type PageOptions } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";
import type { ScheduleForm, SchedulesData } from "@/lib/dashboard/contracts";

/**
 * The Schedules page and GET /api/schedules: one page of the entries, sorted by name.
 * Cost: 1 round trip (listSchedules reads the schedule hashes whole: schedules are a
 * hand-written list, tens of entries, not a queue).
 */
export async function readSchedules(opts: PageOptions): Promise<SchedulesData> {
  const nowMs = Date.now();
  const all = await listSchedules(getConnection(), { nowMs });
  const { page, perPage, start } = normalizePage(opts);
  return { schedules: { page, perPage, total: all.length, items: all.slice(start, start + perPage) }, nowMs };
}

/** The edit form's starting values, or null when there is no such entry; `legacy` entries are read-only. */
export async function readScheduleForm(name: string): Promise<{ form: ScheduleForm; legacy: boolean } | null> {
  const s = await getSchedule(getConnection(), name);
  if (!s) return null;
  return {
    legacy: s.source === "legacy",
    form: {
      name: s.name,
      className: s.className ?? "",
      kind: s.every !== undefined && s.cron === undefined ? "every" : "cron",
      cron: s.cron ?? "",
      timezone: s.timezone ?? "",
      every: s.every ?? "",
      queue: s.queue ?? "",
      args: s.args === undefined || s.args === null ? "" : JSON.stringify(s.args, null, 2),
      description: s.description ?? "",
      enabled: s.enabled,
    },
  };
}
