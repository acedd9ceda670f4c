"use client";

import Link from "next/link";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { DataTable } from "@/components/data-table";
import type { QueuesData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { recordText } from "@/lib/format";

export interface QueuesActions {
  pause: (queue: string) => Promise<ActionResult>;
  resume: (queue: string) => Promise<ActionResult>;
  pauseAll: () => Promise<ActionResult>;
  resumeAll: () => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-middle";

/** The Queues page: drawn from the server's first read, then refreshed by polling /api/queues. */
export function QueuesList({ initial, actions }: { initial: QueuesData; actions: QueuesActions }) {
  const t = useT();
  const { query: q, settings } = useLivePoll<QueuesData>(queryKeys.queues(), "/api/queues", initial);
  const { queues, noWorker, pause } = q.data;
  const orphan = new Set(noWorker);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("queues.title")}</h1>
        <div className="flex flex-wrap items-center gap-2">
          {pause.all ? (
            <ConfirmButton label={t("queues.resumeAll")} action={actions.resumeAll} />
          ) : (
            <ConfirmButton label={t("queues.pauseAll")} action={actions.pauseAll} danger />
          )}
        </div>
      </div>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {pause.all && (
        <p
          role="note"
          className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {t("queues.allPaused", { source: pause.source ?? "" })}
        </p>
      )}
      {queues.some((row) => row.keyType) && (
        <p
          role="alert"
          data-testid="queue-problems"
          className="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          {t("queues.wrongTypeBanner", { count: String(queues.filter((row) => row.keyType).length) })}
        </p>
      )}
      {queues.length === 0 ? (
        <p className="text-zinc-500">
          {t("queues.empty", { command: "npm run queue -- enqueue default SendEmailJob '{…}'" })}
        </p>
      ) : (
        <DataTable
          columns={[
            { label: t("queues.name") },
            { label: t("queues.size") },
            { label: t("queues.latency") },
            { label: t("queues.state") },
            { label: t("queues.actions") },
          ]}
        >
          {queues.map((row) => (
            <tr key={row.name} data-queue={row.name} className="border-t border-zinc-100 dark:border-zinc-900">
              <td className={`${td} font-mono`}>
                <Link
                  href={`/queues/${encodeURIComponent(row.name)}`}
                  className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                >
                  {recordText(row.name)}
                </Link>
              </td>
              <td className={`${td} tabular-nums`}>
                {row.size.toLocaleString("en")}
                {orphan.has(row.name) && (
                  <span
                    title={t("queues.noWorkerHint")}
                    className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100"
                  >
                    ⚠ {t("queues.noWorker")}
                  </span>
                )}
              </td>
              <td className={`${td} tabular-nums`}>
                {row.latencySec == null ? "–" : t("unit.seconds", { n: row.latencySec.toFixed(1) })}
              </td>
              <td className={td}>
                {row.keyType && (
                  <span className="mr-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-900 dark:bg-red-900 dark:text-red-100">
                    {t("queues.wrongType", { type: row.keyType })}
                  </span>
                )}
                {row.paused && (
                  <span className="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-medium text-amber-950 dark:bg-amber-800 dark:text-amber-50">
                    {t("queues.paused")}
                  </span>
                )}
              </td>
              <td className={td}>
                {row.paused ? (
                  <ConfirmButton label={t("queues.resume")} action={() => actions.resume(row.name)} />
                ) : (
                  <ConfirmButton label={t("queues.pause")} action={() => actions.pause(row.name)} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
