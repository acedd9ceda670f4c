"use client";

import Link from "@/components/link";
import { useEffect, useRef, useState } from "react";
import { queueHref } from "@/lib/dashboard/url-path";
import { AllPausedBanner, QueueStateBadge } from "./state-badges";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { DataTable } from "@/components/data-table";
import type { QueuesData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { formatDuration, recordText } from "@/lib/format";

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
  const [filter, setFilter] = useState("");
  const filterBox = useRef<HTMLInputElement>(null);
  // Ctrl K (⌘K on a Mac) jumps to the filter from anywhere on the page, as in Bull Board and GitHub.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        filterBox.current?.focus();
        filterBox.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? queues.filter((row) => row.name.toLowerCase().includes(needle)) : queues;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("queues.title")}</h1>
        <div className="flex flex-wrap items-center gap-2">
          {pause.all ? (
            <ConfirmButton label={t("queues.resumeAll")} action={actions.resumeAll} />
          ) : (
            <ConfirmButton
              label={t("queues.pauseAll")}
              question={t("ux.pauseAllConfirm")}
              action={actions.pauseAll}
              danger
            />
          )}
        </div>
      </div>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {pause.all && <AllPausedBanner source={pause.source} />}
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
        <>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <input
              ref={filterBox}
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              aria-label={t("ux.filter.queues")}
              placeholder={t("ux.filter.placeholder")}
              aria-keyshortcuts="Control+K Meta+K"
              data-queue-filter
              className="w-72 max-w-full rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
            />
            {needle && (
              <span className="text-zinc-500" aria-live="polite" data-filter-count>
                {shown.length === 0
                  ? t("ux.filter.none", { q: filter.trim() })
                  : t("ux.filter.count", { shown: shown.length, total: queues.length })}
              </span>
            )}
          </div>
          <DataTable
            columns={[
              { label: t("queues.name") },
              { label: t("queues.size") },
              { label: t("queues.latency") },
              { label: t("queues.state") },
              { label: t("queues.actions") },
            ]}
          >
            {shown.map((row) => (
              <tr key={row.name} data-queue={row.name} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className={`${td} font-mono`}>
                  <Link
                    href={queueHref(row.name)}
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
                  {row.latencySec == null ? "–" : formatDuration(t, row.latencySec * 1000)}
                </td>
                <td className={td}>
                  {row.keyType && (
                    <span className="mr-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-900 dark:bg-red-900 dark:text-red-100">
                      {t("queues.wrongType", { type: row.keyType })}
                    </span>
                  )}
                  {!row.keyType && <QueueStateBadge paused={row.paused} pausedAll={pause.all} />}
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
        </>
      )}
    </div>
  );
}
