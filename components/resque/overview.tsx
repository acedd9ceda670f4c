"use client";

import Link from "@/components/link";
import type { SchedulerHealth } from "@/lib/resque/admin/delayed";
import { queueHref, workerHref } from "@/lib/dashboard/url-path";
import { AllPausedBanner, LivenessBadge, QueueStateBadge } from "./state-badges";
import type { Translate } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { HistoryChart } from "./chart-history";
import { RealtimeChart } from "./chart-realtime";
import { LiveControl, useLivePoll } from "./live-control";
import { formatDuration, formatStamp as when, recordText } from "@/lib/format";
import type { HistoryData, StatusData } from "@/lib/dashboard/contracts";
import type { CounterSample } from "@/lib/resque/history";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";

/** A leader whose last tick is older than this is shown as stalled (it ticks every second). */
const STALLED_AFTER_MS = 30_000;

/** The scheduler health card: who leads, when it last ticked, what is overdue — and a warning when nobody schedules. */
function SchedulerCard({ t, health, nowMs }: { t: Translate; health: SchedulerHealth; nowMs: number }) {
  const zone = useTimeZone();
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
          ⚠{" "}
          {t("stats.scheduler.stalled", {
            id: health.leader ?? "",
            ago: when(t, { ms: tickMs, raw: "" }, nowMs, zone),
          })}
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
              {Number.isFinite(tickMs)
                ? when(t, { ms: tickMs, raw: "" }, nowMs, zone)
                : t("stats.scheduler.tickUnknown")}
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
                t("stats.scheduler.oldestDue", {
                  when: when(t, { ms: health.oldestOverdue * 1000, raw: "" }, nowMs, zone),
                })}
            </>
          )}
        </dd>
      </dl>
    </section>
  );
}

/** A counter card; each links to the page that lists what it counts, so the Overview is a way in, not a dead end. */
function Stat({ label, value, href }: { label: string; value: number; href: string }) {
  return (
    <Link
      href={href}
      data-card={href}
      className="block rounded border border-zinc-200 px-4 py-3 hover:border-blue-400 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-blue-500 dark:border-zinc-800 dark:hover:border-blue-700 dark:hover:bg-zinc-900"
    >
      <div className="text-xs tracking-wide text-zinc-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums" data-stat={label}>
        {value.toLocaleString("en")}
      </div>
    </Link>
  );
}

const rowLink = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";

const th = "py-1 pr-4 font-normal";
const td = "py-1 pr-4";

/** The overview, drawn from the server's first fetch, then refreshed by polling /api/status. */
export function Overview({
  initial,
  initialHistory,
  recentSamples,
}: {
  initial: StatusData;
  initialHistory: HistoryData;
  /** The sampler's newest counter samples, oldest first: the realtime chart's first points. */
  recentSamples: CounterSample[];
}) {
  const t = useT();
  const { query: q, settings } = useLivePoll<StatusData>(queryKeys.status(), "/api/status", initial);
  const { stats, queues, workers, scheduler, pause } = q.data;
  return (
    <div className="space-y-8">
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {pause.all && <AllPausedBanner source={pause.source} />}
      <section className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label={t("stat.processed")} value={stats.processed} href="/stats" />
        <Stat label={t("stat.failed")} value={stats.failedListLength} href="/failed" />
        <Stat label={t("stat.queued")} value={stats.pending} href="/queues" />
        <Stat label={t("stat.workers")} value={stats.workers} href="/workers" />
        <Stat label={t("stat.working")} value={stats.working} href="/working" />
      </section>
      <section className="grid gap-3 lg:grid-cols-2">
        <RealtimeChart
          sample={{ atMs: stats.redisTimeMs, processed: stats.processed, failed: stats.failed }}
          recent={recentSamples}
        />
        <HistoryChart initial={initialHistory} live={settings.live} />
      </section>
      <SchedulerCard t={t} health={scheduler} nowMs={stats.redisTimeMs} />
      <section className="overflow-x-auto">
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
                  <td className={`${td} break-all font-mono`}>
                    <Link href={queueHref(row.name)} className={rowLink}>
                      {recordText(row.name)}
                    </Link>
                  </td>
                  <td className={`${td} tabular-nums`}>{row.size.toLocaleString("en")}</td>
                  <td className={`${td} tabular-nums`}>
                    {row.latencySec == null ? "–" : formatDuration(t, row.latencySec * 1000)}
                  </td>
                  <td className={td}>
                    <QueueStateBadge paused={row.paused} pausedAll={pause.all} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="overflow-x-auto">
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
                  <td className={`${td} break-all font-mono`}>
                    <Link href={workerHref(w.id)} className={rowLink}>
                      {recordText(w.id)}
                    </Link>
                  </td>
                  <td className={td}>
                    <LivenessBadge liveness={w.liveness} />
                  </td>
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
