"use client";

import type { Page, WorkerInfo } from "@/lib/resque/admin/types";
import { translator, type Locale } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { LiveControl, useLivePoll } from "./live-control";
import { argsText } from "./job-text";
import { Pager } from "./pager";
import { formatStamp as when } from "@/lib/format";

export interface WorkingData {
  /** Workers that are running a job, longest-running first. */
  working: Page<WorkerInfo>;
  /** Redis server clock at the read, so "since" does not depend on the browser's clock. */
  redisTimeMs: number;
}

const th = "py-1 pr-4 font-normal";
const td = "py-1 pr-4 align-top";
const ARGS_PREVIEW = 100;

/** resque-web's Working page: every job being worked now, paged in the URL, refreshed by polling /api/working. */
export function WorkingList({ initial, locale, perPageChoices }: { initial: WorkingData; locale: Locale; perPageChoices: number[] }) {
  const t = translator(locale);
  const { page, perPage } = initial.working;
  const { query: q, settings } = useLivePoll<WorkingData>(queryKeys.working(page, perPage), `/api/working?page=${page}&per=${perPage}`, initial);
  const { working, redisTimeMs } = q.data;
  const pager = <Pager t={t} page={working.page} perPage={working.perPage} total={working.total} choices={perPageChoices} path="/working" />;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("stats.working.title")}</h1>
      <LiveControl locale={locale} {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {working.total === 0 ? (
        <p className="text-zinc-500" data-empty>{t("stats.working.empty")}</p>
      ) : (
        <>
          {pager}
          <table className="w-full table-fixed text-sm">
            <thead className="text-left text-zinc-500">
              <tr>
                <th className={`${th} w-64`}>{t("workers.id")}</th>
                <th className={`${th} w-32`}>{t("queues.name")}</th>
                <th className={`${th} w-48`}>{t("queue.class")}</th>
                <th className={th}>{t("queue.args")}</th>
                <th className={`${th} w-56`}>{t("stats.working.since")}</th>
              </tr>
            </thead>
            <tbody>
              {working.items.map((w) => {
                const job = w.job!;
                const args = argsText(job.payload);
                return (
                  <tr key={w.id} data-worker={w.id} className="border-t border-zinc-100 dark:border-zinc-900">
                    <td className={`${td} break-all font-mono`}>{w.id}</td>
                    <td className={`${td} break-all font-mono`}>{job.queue}</td>
                    <td className={`${td} break-all font-mono`}>{job.payload.displayClass ?? job.payload.className ?? "?"}</td>
                    <td className={`${td} font-mono`}>
                      {args.length <= ARGS_PREVIEW ? (
                        <span className="break-all" data-args>{args}</span>
                      ) : (
                        <details>
                          <summary className="cursor-pointer break-all" data-args>{args.slice(0, ARGS_PREVIEW)}…</summary>
                          <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 dark:bg-zinc-900">{args}</pre>
                        </details>
                      )}
                    </td>
                    <td className={`${td} text-xs`}>{when(t, job.runAt, redisTimeMs)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {pager}
        </>
      )}
    </div>
  );
}
