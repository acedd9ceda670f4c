"use client";

import Link from "@/components/link";
import { formatStamp as when, recordText } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";
import { queueHref, workerHref } from "@/lib/dashboard/url-path";
import type { WorkerData } from "@/lib/dashboard/contracts";
import { DataTable } from "@/components/data-table";
import { ArgsPreview, argsText, clipNote } from "./job-text";
import { FailedBadges, failedMessage, failedWhen, jobClass, link } from "./failed-parts";
import { LiveControl, useLivePoll } from "./live-control";
import { LivenessBadge } from "./state-badges";
import { useT } from "../providers";

const dt = "text-zinc-500";
const td = "py-1 pr-4 align-top";

/**
 * One worker, resque-web's worker view and more: its record, what it runs now and since when, its
 * counters, and its newest failures. Drawn from the server's read, refreshed by polling
 * /api/workers/[id]. A worker that is gone (stopped, pruned) still shows its failures.
 */
export function WorkerDetail({ initial }: { initial: WorkerData }) {
  const t = useT();
  const { query: q, settings } = useLivePoll<WorkerData>(
    queryKeys.worker(initial.id),
    `/api/${workerHref(initial.id).slice(1)}`,
    initial,
  );
  const { id, worker: w, failures, failuresWindow, redisTimeMs } = q.data;
  const failedSearch = `/failed?q=${encodeURIComponent(id)}`;
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/workers" className={link}>
          ← {t("ux.worker.back")}
        </Link>
      </p>
      <h1 className="break-all font-mono text-xl font-semibold" data-worker-id={id}>
        {recordText(id)}{" "}
        {w && (
          <span className="align-middle font-sans">
            <LivenessBadge liveness={w.liveness} />
          </span>
        )}
      </h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {!w ? (
        <p
          role="note"
          className="rounded border border-zinc-300 px-3 py-2 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300"
        >
          {t("ux.worker.gone")}
        </p>
      ) : (
        <div className="grid gap-6 md:grid-cols-2">
          <section>
            <h2 className="mb-2 font-semibold">{t("ux.worker.record")}</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className={dt}>{t("ux.worker.host")}</dt>
              <dd className="break-all font-mono">{recordText(w.host) || "–"}</dd>
              <dt className={dt}>{t("ux.worker.pid")}</dt>
              <dd className="font-mono">{recordText(w.pid) || "–"}</dd>
              <dt className={dt}>{t("workers.queues")}</dt>
              <dd className="flex flex-wrap gap-x-2 font-mono">
                {w.queues.length === 0
                  ? "–"
                  : w.queues.map((name) =>
                      /[*?]/.test(name) ? (
                        <span key={name}>{recordText(name)}</span>
                      ) : (
                        <Link key={name} href={queueHref(name)} className={link}>
                          {recordText(name)}
                        </Link>
                      ),
                    )}
              </dd>
              <dt className={dt}>{t("workers.started")}</dt>
              <dd>{when(t, w.started, redisTimeMs)}</dd>
              <dt className={dt}>{t("workers.heartbeat")}</dt>
              <dd>{when(t, w.heartbeat, redisTimeMs)}</dd>
            </dl>
          </section>
          <section>
            <h2 className="mb-2 font-semibold">{t("ux.worker.counters")}</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className={dt}>{t("workers.processed")}</dt>
              <dd className="tabular-nums" data-counter="processed">
                {w.processed.toLocaleString("en")}
              </dd>
              <dt className={dt}>{t("workers.failed")}</dt>
              <dd className="tabular-nums" data-counter="failed">
                {w.failed.toLocaleString("en")}
              </dd>
            </dl>
          </section>
          <section className="md:col-span-2" data-current-job>
            <h2 className="mb-2 font-semibold">{t("ux.worker.current")}</h2>
            {w.job ? (
              <div className="space-y-1 text-sm">
                <div className="font-mono">
                  {t("workers.on", {
                    job: recordText(w.job.payload.displayClass ?? w.job.payload.className ?? "?"),
                    queue: recordText(w.job.queue),
                  })}
                </div>
                <div className="text-zinc-500">{t("workers.since", { time: when(t, w.job.runAt, redisTimeMs) })}</div>
                <div className="font-mono">
                  <ArgsPreview text={argsText(w.job.payload)} note={clipNote(t, w.job.payload)} />
                </div>
              </div>
            ) : (
              <p className="text-sm text-zinc-500">{t("workers.idle")}</p>
            )}
          </section>
        </div>
      )}
      <section data-worker-failures>
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="font-semibold">{t("ux.worker.failures")}</h2>
          <Link href={failedSearch} className={`${link} text-sm`}>
            {t("ux.worker.searchFailed")}
          </Link>
        </div>
        {failures.length === 0 ? (
          <p className="text-sm text-zinc-500">
            {t("ux.worker.failuresNone", { window: failuresWindow.toLocaleString("en") })}
          </p>
        ) : (
          <>
            <p className="mb-1 text-xs text-zinc-500">
              {t("ux.worker.failuresScope", { window: failuresWindow.toLocaleString("en") })}
            </p>
            <DataTable
              columns={[
                { label: t("failed.col.class") },
                { label: t("failed.col.exception") },
                { label: t("failed.col.queue") },
                { label: t("failed.col.failedAt") },
              ]}
            >
              {failures.map((f) => (
                <tr key={f.id} data-failed-id={f.id} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} break-all font-mono`}>
                    <Link href={`/failed/${f.id}`} className={link}>
                      {jobClass(f)}
                    </Link>
                    <div className="mt-1 font-sans">
                      <FailedBadges t={t} job={f} nowMs={redisTimeMs} />
                    </div>
                  </td>
                  <td className={`${td} break-words`}>
                    <div className="break-all font-mono text-red-800 dark:text-red-300">
                      {recordText(f.exception) || "–"}
                    </div>
                    <div className="line-clamp-2">{failedMessage(t, f)}</div>
                  </td>
                  <td className={`${td} break-words font-mono`}>{recordText(f.queue) || "–"}</td>
                  <td className={`${td} text-xs`}>{failedWhen(t, f.failedAt, redisTimeMs)}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </section>
    </div>
  );
}
