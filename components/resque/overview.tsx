"use client";

import type { SchedulerHealth } from "@/lib/resque/admin/delayed";
import type { Translate } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { HistoryChart } from "./chart-history";
import { RealtimeChart } from "./chart-realtime";
import { LiveControl, useLivePoll } from "./live-control";
import { formatStamp as when, recordText } from "@/lib/format";
import type { HistoryData, StatusData } from "@/lib/dashboard/contracts";
import { useT } from "../providers";

/** A leader whose last tick is older than this is shown as stalled (it ticks every second). */
const STALLED_AFTER_MS = 30_000;

/** The scheduler health card: who leads, when it last ticked, what is overdue — and a warning when nobody schedules. */
function SchedulerCard({ t, health, nowMs }: { t: Translate; health: SchedulerHealth; nowMs: number }) {
  const record = health.schedulers.find((s) => s.id === health.leader);
  const tickMs = record ? Date.parse(record.lastTickAt) : NaN;
  const standbys = health.schedulers.filter((s) => s.role === "standby" && s.id !== health.leader).length;
  const state =
    !health.leader && !health.nodeLeader
      ? "none"
      : Number.isFinite(tickMs) && nowMs - tickMs > STALLED_AFTER_MS
        ? "stalled"
        : "ok";
  const warn =
    "rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100";
  const dt = "text-zinc-500";
  return (
    <section
      className="space-y-2 rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800"
      data-scheduler-state={state}
    >
      <h2 className="font-semibold">{t("stats.scheduler.title")}</h2>
      {state === "none" && (
        <p role="note" className={warn}>
          ⚠ {t("stats.scheduler.none", { command: "npm run queue -- scheduler" })}
        </p>
      )}
      {state === "stalled" && (
        <p role="note" className={warn}>
          ⚠ {t("stats.scheduler.stalled", { id: health.leader ?? "", ago: when(t, { ms: tickMs, raw: "" }, nowMs) })}
        </p>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className={dt}>{t("stats.scheduler.leader")}</dt>
        <dd className={health.leader ? "break-all font-mono" : ""} data-scheduler-leader={health.leader ?? ""}>
          {health.leader ?? t("stats.scheduler.noLeader")}
        </dd>
        {health.leader && (
          <>
            <dt className={dt}>{t("stats.scheduler.lastTick")}</dt>
            <dd>
              {Number.isFinite(tickMs) ? when(t, { ms: tickMs, raw: "" }, nowMs) : t("stats.scheduler.tickUnknown")}
            </dd>
          </>
        )}
        {health.nodeLeader && (
          <>
            <dt className={dt}>{t("stats.scheduler.nodeLeader")}</dt>
            <dd className="break-all font-mono">{health.nodeLeader}</dd>
          </>
        )}
        <dt className={dt}>{t("stats.scheduler.standbys")}</dt>
        <dd className="tabular-nums">{standbys}</dd>
        <dt className={dt}>{t("stats.scheduler.overdue")}</dt>
        <dd data-scheduler-overdue={health.overdue}>
          {health.overdue === 0 ? (
            "0"
          ) : (
            <>
              <span className="rounded bg-amber-100 px-1.5 py-0.5 tabular-nums text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                {health.overdue.toLocaleString("en")}
              </span>{" "}
              {health.oldestOverdue !== null &&
                t("stats.scheduler.oldestDue", { when: when(t, { ms: health.oldestOverdue * 1000, raw: "" }, nowMs) })}
            </>
          )}
        </dd>
      </dl>
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded border border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <div className="text-xs tracking-wide text-zinc-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums" data-stat={label}>
        {value.toLocaleString("en")}
      </div>
    </div>
  );
}

const th = "py-1 pr-4 font-normal";
const td = "py-1 pr-4";

/** The overview, drawn from the server's first fetch, then refreshed by polling /api/status. */
export function Overview({ initial, initialHistory }: { initial: StatusData; initialHistory: HistoryData }) {
  const t = useT();
  const { query: q, settings } = useLivePoll<StatusData>(queryKeys.status(), "/api/status", initial);
  const { stats, queues, workers, scheduler } = q.data;
  return (
    <div className="space-y-8">
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <section className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label={t("stat.processed")} value={stats.processed} />
        <Stat label={t("stat.failed")} value={stats.failedListLength} />
        <Stat label={t("stat.queued")} value={stats.pending} />
        <Stat label={t("stat.workers")} value={stats.workers} />
        <Stat label={t("stat.working")} value={stats.working} />
      </section>
      <section className="grid gap-3 lg:grid-cols-2">
        <RealtimeChart sample={{ atMs: stats.redisTimeMs, processed: stats.processed, failed: stats.failed }} />
        <HistoryChart initial={initialHistory} live={settings.live} />
      </section>
      <SchedulerCard t={t} health={scheduler} nowMs={stats.redisTimeMs} />
      <section>
        <h2 className="mb-2 font-semibold">{t("queues.title")}</h2>
        {queues.length === 0 ? (
          <p className="text-zinc-500">
            {t("queues.empty", { command: "npm run queue -- enqueue default SendEmailJob '{…}'" })}
          </p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr>
                <th className={th}>{t("queues.name")}</th>
                <th className={th}>{t("queues.size")}</th>
                <th className={th}>{t("queues.latency")}</th>
                <th className={th}>{t("queues.state")}</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((row) => (
                <tr key={row.name} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} font-mono`}>{recordText(row.name)}</td>
                  <td className={`${td} tabular-nums`}>{row.size.toLocaleString("en")}</td>
                  <td className={`${td} tabular-nums`}>
                    {row.latencySec == null ? "–" : t("unit.seconds", { n: row.latencySec.toFixed(1) })}
                  </td>
                  <td className={td}>{row.paused ? t("queues.paused") : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">{t("workers.title")}</h2>
        {workers.length === 0 ? (
          <p className="text-zinc-500">{t("workers.empty", { command: "npm run queue -- work" })}</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr>
                <th className={th}>{t("workers.id")}</th>
                <th className={th}>{t("workers.liveness")}</th>
                <th className={th}>{t("workers.doing")}</th>
                <th className={th}>{t("workers.processed")}</th>
                <th className={th}>{t("workers.failed")}</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} font-mono`}>{recordText(w.id)}</td>
                  <td className={td}>{t(`liveness.${w.liveness}`)}</td>
                  <td className={td}>
                    {w.job
                      ? t("workers.on", {
                          job: recordText(w.job.payload.displayClass ?? "?"),
                          queue: recordText(w.job.queue),
                        })
                      : t("workers.idle")}
                  </td>
                  <td className={`${td} tabular-nums`}>{w.processed.toLocaleString("en")}</td>
                  <td className={`${td} tabular-nums`}>{w.failed.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
