import Link from "next/link";
import type { Page, QueuedJob } from "@/lib/resque/admin/types";
import { translator, type Locale } from "@/lib/i18n";
import { ConfirmButton, type ActionResult } from "./confirm-button";
import { Pager } from "./pager";

export interface QueueJobsActions {
  resume: () => Promise<ActionResult>;
  clear: () => Promise<ActionResult>;
  removeQueue: () => Promise<ActionResult>;
  removeJob: (raw: string) => Promise<ActionResult>;
}

const th = "py-1 pr-4 font-normal";
const td = "py-1 pr-4 align-top";
const ARGS_PREVIEW = 80;

/** Args as JSON text, never HTML: a `<script>` in the args is shown, not run. */
function argsText(job: QueuedJob): string {
  if (!job.payload.ok) return job.raw;
  try {
    return JSON.stringify(job.payload.argsArray) ?? "";
  } catch {
    return job.raw;
  }
}

function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** One queue: pause banner, destructive queue actions, and a page of its pending jobs. */
export function QueueJobs({
  locale,
  queue,
  paused,
  jobs,
  perPageChoices,
  actions,
}: {
  locale: Locale;
  queue: string;
  paused: boolean;
  jobs: Page<QueuedJob>;
  perPageChoices: number[];
  actions: QueueJobsActions;
}) {
  const t = translator(locale);
  const count = jobs.total.toLocaleString("en");
  const href = (p: number, per: number) => `/queues/${encodeURIComponent(queue)}?page=${p}&per=${per}`;
  const pager = <Pager t={t} page={jobs.page} perPage={jobs.perPage} total={jobs.total} choices={perPageChoices} href={href} />;
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/queues" className="text-blue-700 hover:underline dark:text-blue-400">← {t("queue.back")}</Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="font-mono text-xl font-semibold">
          {queue}
          {paused && <span className="ml-2 rounded bg-amber-200 px-1.5 py-0.5 align-middle font-sans text-xs font-medium text-amber-950 dark:bg-amber-800 dark:text-amber-50">{t("queues.paused")}</span>}
        </h1>
        <div className="flex flex-wrap items-center gap-2">
          <ConfirmButton locale={locale} label={t("queue.clear")} question={t("queue.clearConfirm", { count, queue })} action={actions.clear} danger />
          <ConfirmButton locale={locale} label={t("queue.removeQueue")} question={t("queue.removeQueueConfirm", { count, queue })} action={actions.removeQueue} redirectTo="/queues" danger />
        </div>
      </div>
      {paused && (
        <div role="note" data-banner="paused" className="flex flex-wrap items-center gap-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <span>{t("queue.pausedBanner")}</span>
          <ConfirmButton locale={locale} label={t("queues.resume")} action={actions.resume} />
        </div>
      )}
      {jobs.total === 0 ? (
        <p className="text-zinc-500">{t("queue.empty")}</p>
      ) : (
        <>
          {pager}
          <table className="w-full table-fixed text-sm">
            <thead className="text-left text-zinc-500">
              <tr>
                <th className={`${th} w-12`}>#</th>
                <th className={`${th} w-48`}>{t("queue.class")}</th>
                <th className={th}>{t("queue.args")}</th>
                <th className={`${th} w-44`}>{t("queue.enqueuedAt")}</th>
                <th className={`${th} w-56`}>{t("queue.id")}</th>
                <th className={`${th} w-40`}></th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((job) => {
                const args = argsText(job);
                const cls = job.payload.displayClass ?? job.payload.className ?? "?";
                return (
                  <tr key={`${job.index}-${job.payload.id ?? ""}`} data-job-id={job.payload.id} className="border-t border-zinc-100 dark:border-zinc-900">
                    <td className={`${td} tabular-nums text-zinc-500`}>{job.index + 1}</td>
                    <td className={`${td} break-all font-mono`}>{cls}</td>
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
                    <td className={`${td} tabular-nums`}>{formatTime(job.payload.queueTimeMs)}</td>
                    <td className={`${td} break-all font-mono text-xs`}>{job.payload.id ?? "–"}</td>
                    <td className={td}>
                      <ConfirmButton
                        locale={locale}
                        label={t("queue.remove")}
                        question={t("queue.removeConfirm", { class: cls, queue })}
                        action={actions.removeJob.bind(null, job.raw)}
                        danger
                      />
                    </td>
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
