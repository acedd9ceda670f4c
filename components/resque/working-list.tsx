"use client";

import Link from "@/components/link";
import { queryKeys } from "@/lib/query-keys";
import { queueHref, workerHref } from "@/lib/dashboard/url-path";
import { LivenessBadge } from "./state-badges";
import { LiveControl, useLivePoll } from "./live-control";
import { recordText } from "@/lib/format";
import { ArgsPreview, argsText, clipNote } from "./job-text";
import { Pager } from "./pager";
import { formatStamp as when } from "@/lib/format";
import { DataTable } from "@/components/data-table";
import type { WorkingData } from "@/lib/dashboard/contracts";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";

const td = "py-1 pr-4 align-top";

/** resque-web's Working page: every job being worked now, paged in the URL, refreshed by polling /api/working. */
export function WorkingList({ initial, perPageChoices }: { initial: WorkingData; perPageChoices: number[] }) {
  const t = useT();
  const zone = useTimeZone();
  const { page, perPage } = initial.working;
  const { query: q, settings } = useLivePoll<WorkingData>(
    queryKeys.working(page, perPage),
    `/api/working?page=${page}&per=${perPage}`,
    initial,
  );
  const { working, redisTimeMs } = q.data;
  const pager = (
    <Pager
      t={t}
      page={working.page}
      perPage={working.perPage}
      total={working.total}
      choices={perPageChoices}
      path="/working"
    />
  );
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("stats.working.title")}</h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {working.total === 0 ? (
        <p className="text-zinc-500" data-empty>
          {t("stats.working.empty")}
        </p>
      ) : (
        <DataTable
          fixed
          pager={pager}
          columns={[
            { label: t("workers.id"), className: "w-64" },
            { label: t("queues.name"), className: "w-32" },
            { label: t("queue.class"), className: "w-48" },
            { label: t("queue.args") },
            { label: t("stats.working.since"), className: "w-56" },
          ]}
        >
          {working.items.map((w) => {
            const job = w.job!;
            return (
              <tr
                key={w.id}
                data-worker={w.id}
                data-liveness={w.liveness}
                className={`border-t border-zinc-100 dark:border-zinc-900 ${w.liveness === "dead" ? "bg-red-50 dark:bg-red-950/40" : ""}`}
              >
                <td className={`${td} break-all font-mono`}>
                  <Link href={workerHref(w.id)} className="text-blue-700 hover:underline dark:text-blue-400">
                    {recordText(w.id)}
                  </Link>
                  {w.liveness === "dead" && (
                    <div className="mt-1 font-sans text-xs text-red-800 dark:text-red-300" data-dead-holder>
                      <LivenessBadge liveness="dead" /> {t("ux.working.deadHolder")}
                    </div>
                  )}
                </td>
                <td className={`${td} break-all font-mono`}>
                  <Link href={queueHref(job.queue)} className="text-blue-700 hover:underline dark:text-blue-400">
                    {recordText(job.queue)}
                  </Link>
                </td>
                <td className={`${td} break-all font-mono`}>
                  {recordText(job.payload.displayClass ?? job.payload.className ?? "?")}
                </td>
                <td className={`${td} font-mono`}>
                  <ArgsPreview text={argsText(job.payload)} note={clipNote(t, job.payload)} />
                </td>
                <td className={`${td} text-xs`}>{when(t, job.runAt, redisTimeMs, zone)}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
