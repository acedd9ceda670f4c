"use client";

import type { QueueInfo, ResqueStats, WorkerInfo } from "@/lib/resque/admin/types";
import { translator, type Locale } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { LiveControl, useLivePoll } from "./live-control";

export interface StatusData {
  stats: ResqueStats;
  queues: QueueInfo[];
  workers: WorkerInfo[];
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
export function Overview({ initial, locale }: { initial: StatusData; locale: Locale }) {
  const t = translator(locale);
  const { query: q, settings } = useLivePoll<StatusData>(queryKeys.status(), "/api/status", initial);
  const { stats, queues, workers } = q.data;
  return (
    <div className="space-y-8">
      <LiveControl locale={locale} {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <section className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label={t("stat.processed")} value={stats.processed} />
        <Stat label={t("stat.failed")} value={stats.failedListLength} />
        <Stat label={t("stat.queued")} value={stats.pending} />
        <Stat label={t("stat.workers")} value={stats.workers} />
        <Stat label={t("stat.working")} value={stats.working} />
      </section>
      <section>
        <h2 className="mb-2 font-semibold">{t("queues.title")}</h2>
        {queues.length === 0 ? (
          <p className="text-zinc-500">{t("queues.empty", { command: "npm run queue -- enqueue default SendEmailJob '{…}'" })}</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr><th className={th}>{t("queues.name")}</th><th className={th}>{t("queues.size")}</th><th className={th}>{t("queues.latency")}</th><th className={th}>{t("queues.state")}</th></tr>
            </thead>
            <tbody>
              {queues.map((row) => (
                <tr key={row.name} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} font-mono`}>{row.name}</td>
                  <td className={`${td} tabular-nums`}>{row.size.toLocaleString("en")}</td>
                  <td className={`${td} tabular-nums`}>{row.latencySec == null ? "–" : `${row.latencySec.toFixed(1)} s`}</td>
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
              <tr><th className={th}>{t("workers.id")}</th><th className={th}>{t("workers.liveness")}</th><th className={th}>{t("workers.doing")}</th><th className={th}>{t("workers.processed")}</th><th className={th}>{t("workers.failed")}</th></tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} font-mono`}>{w.id}</td>
                  <td className={td}>{t(`liveness.${w.liveness}`)}</td>
                  <td className={td}>{w.job ? t("workers.on", { job: w.job.payload.displayClass ?? "?", queue: w.job.queue }) : t("workers.idle")}</td>
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
