"use client";

import Link from "@/components/link";
import type { QueuedJob } from "@/lib/resque/admin/types";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { formatTime } from "@/lib/format";
import { recordText } from "@/lib/format";
import { ArgsPreview, argsText, clipNote } from "./job-text";
import { CopyButton } from "../copy-button";
import { SearchBox } from "./delayed-search";
import { AllPausedBanner, QueueStateBadge } from "./state-badges";
import { queueHref } from "@/lib/dashboard/url-path";
import { LiveControl, useLivePoll } from "./live-control";
import { Pager } from "./pager";
import { DataTable } from "@/components/data-table";
import type { QueueJobsData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";

export interface QueueJobsActions {
  resume: () => Promise<ActionResult>;
  clear: () => Promise<ActionResult>;
  removeQueue: () => Promise<ActionResult>;
  removeJob: (job: string | { ref: string }) => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-top";

/**
 * Row keys that survive polling: a worker taking the head job shifts every index, and a row
 * keyed by index would lose an open confirmation to its neighbour. The job id, unless two rows
 * share one (a job pushed twice), then the position.
 */
function rowKeys(items: QueuedJob[]): string[] {
  const seen = new Map<string, number>();
  for (const j of items) if (j.payload.id) seen.set(j.payload.id, (seen.get(j.payload.id) ?? 0) + 1);
  return items.map((j) => (j.payload.id && seen.get(j.payload.id) === 1 ? `id-${j.payload.id}` : `at-${j.index}`));
}

/**
 * One queue: pause banner, destructive queue actions, and a page of its pending jobs, drawn from
 * the server's first read, then refreshed by polling /api/queues/[name] for the same page.
 */
export function QueueJobs({
  initial,
  perPageChoices,
  actions,
}: {
  initial: QueueJobsData;
  perPageChoices: number[];
  actions: QueueJobsActions;
}) {
  const t = useT();
  const zone = useTimeZone();
  const { queue } = initial;
  const { page, perPage } = initial.jobs;
  const search = initial.search?.q ?? "";
  const url = `/api/queues/${encodeURIComponent(queue)}?page=${page}&per=${perPage}${search ? `&q=${encodeURIComponent(search)}` : ""}`;
  const { query: q, settings } = useLivePoll<QueueJobsData>(
    search ? [...queryKeys.queue(queue, page, perPage), search] : queryKeys.queue(queue, page, perPage),
    url,
    initial,
  );
  const { paused, pause, jobs } = q.data;
  const keys = rowKeys(jobs.items);
  const count = jobs.total.toLocaleString("en");
  const pager = (
    <Pager
      t={t}
      path={queueHref(queue)}
      params={search ? { q: search } : {}}
      page={jobs.page}
      perPage={jobs.perPage}
      total={jobs.total}
      choices={perPageChoices}
    />
  );
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/queues" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("queue.back")}
        </Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="font-mono text-xl font-semibold">
          {queue}{" "}
          <span className="align-middle font-sans">
            <QueueStateBadge paused={paused} pausedAll={pause.all} />
          </span>
        </h1>
        <div className="flex flex-wrap items-center gap-2">
          <ConfirmButton
            label={t("queue.clear")}
            question={t("queue.clearConfirm", { count, queue })}
            action={actions.clear}
            danger
          />
          <ConfirmButton
            label={t("queue.removeQueue")}
            question={t("queue.removeQueueConfirm", { count, queue })}
            action={actions.removeQueue}
            redirectTo="/queues"
            danger
          />
        </div>
      </div>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {paused && (
        <div
          role="note"
          data-banner="paused"
          className="flex flex-wrap items-center gap-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <span>{t("queue.pausedBanner")}</span>
          <ConfirmButton label={t("queues.resume")} action={actions.resume} />
        </div>
      )}
      {pause.all && <AllPausedBanner source={pause.source} />}
      <SearchBox action={queueHref(queue)} q={search} perPage={perPage} placeholder={t("ux.search.queuePlaceholder")}>
        <span className="text-zinc-500" data-search-scope>
          {t("ux.search.queueScope", {
            count: jobs.total.toLocaleString("en"),
            q: search,
            window: (initial.search?.window ?? 0).toLocaleString("en"),
          })}
        </span>
      </SearchBox>
      {jobs.total === 0 ? (
        <p className="text-zinc-500">
          {search
            ? t("ux.search.none", { q: search, window: (initial.search?.window ?? 0).toLocaleString("en") })
            : t("queue.empty")}
        </p>
      ) : (
        <DataTable
          fixed
          pager={pager}
          columns={[
            { label: "#", className: "w-12" },
            { label: t("queue.class"), className: "w-48" },
            { label: t("queue.args") },
            { label: t("queue.enqueuedAt"), className: "w-44" },
            { label: t("queue.id"), className: "w-56" },
            { label: "", className: "w-40" },
          ]}
        >
          {jobs.items.map((job, i) => {
            const args = argsText(job.payload);
            const cls = recordText(job.payload.displayClass ?? job.payload.className ?? "?");
            return (
              <tr key={keys[i]} data-job-id={job.payload.id} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className={`${td} tabular-nums text-zinc-500`}>{job.index + 1}</td>
                <td className={`${td} break-all font-mono`}>{cls}</td>
                <td className={`${td} font-mono`}>
                  <ArgsPreview text={args} note={clipNote(t, job.payload)} pretty={argsText(job.payload, 2)} />
                </td>
                <td className={`${td} tabular-nums`} title={formatTime(job.payload.queueTimeMs)}>
                  {formatTime(job.payload.queueTimeMs, zone)}
                </td>
                <td className={`${td} break-all font-mono text-xs`}>
                  {recordText(job.payload.id ?? "–")}
                  {job.payload.id && (
                    <div className="mt-0.5 font-sans">
                      <CopyButton text={job.payload.id} what={t("failed.detail.jobId")} />
                    </div>
                  )}
                </td>
                <td className={td}>
                  <ConfirmButton
                    label={t("queue.remove")}
                    question={t("queue.removeConfirm", { class: cls, queue })}
                    action={actions.removeJob.bind(
                      null,
                      job.rawChars !== undefined && job.ref ? { ref: job.ref } : job.raw,
                    )}
                    danger
                  />
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
