"use client";

import Link from "@/components/link";
import { useState } from "react";
import type { ScheduleInfo } from "@/lib/resque/schedules";
import { queryKeys } from "@/lib/query-keys";
import { useCanWrite, useLocale, useT } from "../providers";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { formatInZone, formatTime, recordText } from "@/lib/format";
import { ArgsPreview } from "./job-text";
import { Pager } from "./pager";
import { ActionFlash } from "./delayed-list";
import { formatRelative } from "@/lib/format";
import { describeCron, describeEvery } from "./schedules-cron";
import { DataTable } from "@/components/data-table";
import type { SchedulesData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useTimeZone } from "@/components/when";

export interface SchedulesActions {
  run: (name: string) => Promise<ActionResult>;
  setEnabled: (name: string, enabled: boolean) => Promise<ActionResult>;
  remove: (name: string) => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-top";
const badge = "rounded px-1.5 py-0.5 text-xs font-medium";
const linkButton =
  "rounded border border-zinc-300 px-2 py-0.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";

const editHref = (name: string) => `/schedules/${encodeURIComponent(name)}/edit`;

/** The expression as stored, its meaning in words (when we can say it), and the zone it runs in. */
function Timing({ s }: { s: ScheduleInfo }) {
  const t = useT();
  const locale = useLocale();
  const words =
    s.cron !== undefined ? describeCron(locale, s.cron) : s.everyMs ? describeEvery(locale, s.everyMs) : null;
  return (
    <>
      <div className="font-mono">
        {s.cron ?? (s.every !== undefined ? t("schedules.everyExpr", { every: s.every }) : "–")}
      </div>
      {words && <div data-words>{words}</div>}
      {s.cron !== undefined && <div className="text-xs text-zinc-500">{s.timezone ?? t("schedules.utc")}</div>}
    </>
  );
}

/** Recurring schedules, a page at a time, with run now / enable / disable / edit / delete; polls /api/schedules. */
export function SchedulesList({
  initial,
  perPageChoices,
  saved,
  actions,
}: {
  initial: SchedulesData;
  perPageChoices: number[];
  saved: string | null;
  actions: SchedulesActions;
}) {
  const t = useT();
  const readerZone = useTimeZone();
  const canWrite = useCanWrite();
  const { page: pageNo, perPage } = initial.schedules;
  const { query: q, settings } = useLivePoll<SchedulesData>(
    queryKeys.schedulesList(pageNo, perPage),
    `/api/schedules?page=${pageNo}&per=${perPage}`,
    initial,
  );
  const [flash, setFlash] = useState<ActionResult | null>(
    saved ? { ok: true, message: t("schedules.saved", { name: saved }), code: "ok" } : null,
  );
  const done = setFlash;
  const { schedules, nowMs } = q.data;
  const pager = (
    <Pager
      t={t}
      path="/schedules"
      page={schedules.page}
      perPage={schedules.perPage}
      total={schedules.total}
      choices={perPageChoices}
    />
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("schedules.title")}</h1>
        {canWrite ? (
          <Link href="/schedules/new" className={linkButton}>
            + {t("schedules.new")}
          </Link>
        ) : (
          <span className={`${linkButton} opacity-50`} title={t("action.readOnly")}>
            + {t("schedules.new")}
          </span>
        )}
      </div>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <ActionFlash result={flash} />
      {schedules.total === 0 ? (
        <p className="text-zinc-500">{t("schedules.empty", { command: "npm run queue -- schedule add" })}</p>
      ) : (
        <DataTable
          fixed
          pager={pager}
          columns={[
            { label: t("schedules.name"), className: "w-44" },
            { label: t("queue.class"), className: "w-40" },
            { label: t("schedules.when"), className: "w-44" },
            { label: t("queue.args") },
            { label: t("schedules.nextRun"), className: "w-48" },
            { label: t("delayed.actions"), className: "w-44" },
          ]}
        >
          {schedules.items.map((s) => {
            const legacy = s.source === "legacy";
            // A cron in a named zone runs on that zone's clock, so its next run is said there; the rest in the reader's.
            const zone = s.cron !== undefined && s.timezone ? s.timezone : readerZone;
            return (
              <tr key={s.name} data-schedule={s.name} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className={`${td} break-all`}>
                  <div className="font-mono font-medium">{recordText(s.name)}</div>
                  <div className="mt-0.5 flex flex-wrap gap-1">
                    <span
                      data-state
                      className={`${badge} ${s.enabled ? "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100" : "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100"}`}
                    >
                      {t(s.enabled ? "schedules.enabled" : "schedules.disabled")}
                    </span>
                    {legacy && (
                      <span
                        title={t("schedules.legacyHint")}
                        className={`${badge} bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100`}
                      >
                        {t("schedules.legacy")}
                      </span>
                    )}
                  </div>
                  {s.description && <div className="mt-0.5 text-xs text-zinc-500">{recordText(s.description)}</div>}
                  {s.error && (
                    <div className="mt-0.5 text-xs text-red-700 dark:text-red-400">
                      {t("schedules.error", { error: s.error })}
                    </div>
                  )}
                </td>
                <td className={`${td} break-all`}>
                  <div className="font-mono">{recordText(s.className ?? "?")}</div>
                  <div className="text-xs text-zinc-500">
                    → <span className="font-mono">{s.queue ?? "?"}</span>
                  </div>
                </td>
                <td className={td}>
                  <Timing s={s} />
                </td>
                <td className={`${td} font-mono`}>
                  <ArgsPreview text={recordText(JSON.stringify(s.argsArray) ?? "")} />
                </td>
                <td className={td}>
                  {s.nextRunMs === null ? (
                    t("schedules.noNext")
                  ) : (
                    <>
                      <div data-next>{formatRelative(t, s.nextRunMs - nowMs)}</div>
                      <div className="text-xs tabular-nums text-zinc-500">{formatInZone(s.nextRunMs, zone)}</div>
                    </>
                  )}
                  <div
                    className="mt-1 text-xs text-zinc-500"
                    title={s.lastRun?.ms ? formatTime(s.lastRun.ms, readerZone) : undefined}
                  >
                    {t("schedules.lastRun")}:{" "}
                    {s.lastRun === null
                      ? t("schedules.never")
                      : s.lastRun.ms === null
                        ? s.lastRun.raw
                        : formatRelative(t, s.lastRun.ms - nowMs)}
                  </div>
                </td>
                <td className={td}>
                  <div className="flex flex-wrap gap-1.5">
                    <ConfirmButton label={t("schedules.run")} action={() => actions.run(s.name)} onDone={done} quiet />
                    {!legacy && (
                      <>
                        <ConfirmButton
                          label={t(s.enabled ? "schedules.disable" : "schedules.enable")}
                          action={() => actions.setEnabled(s.name, !s.enabled)}
                          onDone={done}
                          quiet
                        />
                        <Link href={editHref(s.name)} className={linkButton}>
                          {t("schedules.edit")}
                        </Link>
                        <ConfirmButton
                          label={t("schedules.delete")}
                          question={t("schedules.deleteConfirm", { name: s.name })}
                          action={() => actions.remove(s.name)}
                          onDone={done}
                          quiet
                          danger
                        />
                      </>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
