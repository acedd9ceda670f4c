"use client";

import Link from "@/components/link";
import { useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { formatTime, recordText } from "@/lib/format";
import { Pager } from "./pager";
import { formatRelative } from "@/lib/format";
import { DataTable } from "@/components/data-table";
import type { DelayedListData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { DelayedSearchResults, SearchBox } from "./delayed-search";
import { useTimeZone } from "@/components/when";
import { Answer } from "../answer";

const td = "py-1 pr-4 align-top";

/** Marks a delayed job that is a retry of a failed attempt (our workers' retry policy). */
export function RetryBadge({ label, className = "" }: { label: string; className?: string }) {
  return (
    <span
      className={`${className} whitespace-nowrap rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200`}
    >
      {label}
    </span>
  );
}

/** The last action's answer, kept above the table because the row it came from may be gone. */
export function ActionFlash({ result }: { result: ActionResult | null }) {
  if (!result) return null;
  return <Answer result={result} data-flash />;
}

export function OverdueBadge({ label }: { label: string }) {
  return (
    <span className="ml-2 rounded bg-amber-200 px-1.5 py-0.5 align-middle text-xs font-medium text-amber-950 dark:bg-amber-800 dark:text-amber-50">
      {label}
    </span>
  );
}

/** The Delayed page: totals, the timestamps a page at a time, and "clear all"; polls /api/delayed. */
export function DelayedList({
  initial,
  perPageChoices,
  clearAll,
}: {
  initial: DelayedListData;
  perPageChoices: number[];
  clearAll: () => Promise<ActionResult>;
}) {
  const t = useT();
  const zone = useTimeZone();
  const { page: pageNo, perPage } = initial.search?.items ?? initial.page;
  const search = initial.search?.q ?? "";
  const { query: q, settings } = useLivePoll<DelayedListData>(
    search ? [...queryKeys.delayedList(pageNo, perPage), search] : queryKeys.delayedList(pageNo, perPage),
    `/api/delayed?page=${pageNo}&per=${perPage}${search ? `&q=${encodeURIComponent(search)}` : ""}`,
    initial,
  );
  const [flash, setFlash] = useState<ActionResult | null>(null);
  const { counts, page, leader, nowMs, search: found } = q.data;
  const n = (v: number) => v.toLocaleString("en");
  const pager = (
    <Pager t={t} path="/delayed" page={page.page} perPage={page.perPage} total={page.total} choices={perPageChoices} />
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("delayed.title")}</h1>
        {counts.total > 0 && (
          <ConfirmButton
            label={t("delayed.clearAll")}
            question={t("delayed.clearAllConfirm", { count: n(counts.total), timestamps: n(counts.timestamps) })}
            action={clearAll}
            onDone={setFlash}
            quiet
            danger
          />
        )}
      </div>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <ActionFlash result={flash} />
      {counts.total === 0 ? (
        <p className="text-zinc-500">
          {t("delayed.empty", { command: "npm run queue -- enqueue-in 300 default SendEmailJob '{…}'" })}
        </p>
      ) : (
        <>
          <p className="text-sm" data-totals>
            {t("delayed.totals", { total: n(counts.total), timestamps: n(counts.timestamps), due: n(counts.due) })}
            <span className="ml-3 text-zinc-500">
              {leader ? t("delayed.scheduler", { leader }) : t("delayed.noScheduler")}
            </span>
          </p>
          {counts.due > 0 && (
            <p
              role="note"
              className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
            >
              {t("delayed.overdueNote", { due: n(counts.due) })}
            </p>
          )}
          <SearchBox action="/delayed" q={search} perPage={perPage} placeholder={t("ux.search.delayedPlaceholder")} />
          {found ? (
            <DelayedSearchResults search={found} nowMs={nowMs} perPageChoices={perPageChoices} />
          ) : (
            <>
              {pager}
              <DataTable
                fixed
                columns={[
                  { label: t("delayed.time"), className: "w-96" },
                  { label: t("delayed.count"), className: "w-20" },
                  { label: t("delayed.first") },
                ]}
              >
                {page.items.map((row) => {
                  const ms = row.timestamp * 1000;
                  const first = row.first;
                  return (
                    <tr
                      key={row.timestamp}
                      data-timestamp={row.timestamp}
                      className="border-t border-zinc-100 dark:border-zinc-900"
                    >
                      <td className={td}>
                        <Link
                          href={`/delayed/${row.timestamp}`}
                          className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                        >
                          {formatRelative(t, ms - nowMs)}
                        </Link>
                        {ms <= nowMs && <OverdueBadge label={t("delayed.overdue")} />}
                        <div className="text-xs tabular-nums text-zinc-500" title={formatTime(ms)}>
                          {formatTime(ms, zone)}
                        </div>
                      </td>
                      <td className={`${td} tabular-nums`}>{n(row.count)}</td>
                      <td className={`${td} break-all`}>
                        {first && (
                          <>
                            <span className="font-mono">{recordText(first.payload.displayClass ?? "?")}</span>
                            <span className="text-zinc-500"> → </span>
                            <span className="font-mono">{first.queue ?? t("delayed.noQueue")}</span>
                            {first.retry && (
                              <RetryBadge
                                className="ml-2"
                                label={t("delayed.retry", {
                                  attempt: first.retry.attempt,
                                  retries: first.retry.retries,
                                })}
                              />
                            )}
                            {row.count > 1 && (
                              <span className="ml-2 text-xs text-zinc-500">
                                {t("delayed.more", { n: n(row.count - 1) })}
                              </span>
                            )}
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
              {pager}
            </>
          )}
        </>
      )}
    </div>
  );
}
