"use client";

import Link from "@/components/link";
import { Fragment, useState } from "react";
import type { FailedFilter, FailedJob } from "@/lib/resque/admin/types";
import type { Translate } from "@/lib/i18n";
import { recordText } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { CopyButton } from "../copy-button";
import { workerHref } from "@/lib/dashboard/url-path";
import { LiveControl, useLivePoll } from "./live-control";
import { DataTable } from "@/components/data-table";
import { Pager } from "./pager";
import { failedSearch, isFiltered, type FailedQuery } from "@/lib/dashboard/failed-query";
import { PER_PAGE_CHOICES } from "@/lib/dashboard/paging";
import {
  argsText,
  Backtrace,
  bulkQuestion,
  ClipNote,
  failedMessage,
  FailedBadges,
  FailedHeader,
  failedWhen,
  jobClass,
  KeepRecord,
  link,
  RetryButton,
  retryQuestion,
} from "./failed-parts";
import type { FailedListData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";
import { Answer } from "../answer";

/** The server actions of app/(dashboard)/failed/actions.ts, passed down by the page. */
export interface FailedActions {
  retry: (ids: string[], opts: { list?: string; keep?: boolean }) => Promise<ActionResult>;
  remove: (ids: string[], opts: { list?: string }) => Promise<ActionResult>;
  retryAll: (filter: FailedFilter, opts: { list?: string; keep?: boolean }) => Promise<ActionResult>;
  removeAll: (filter: FailedFilter, opts: { list?: string }) => Promise<ActionResult>;
  clear: (opts: { list?: string }) => Promise<ActionResult>;
}

const td = "py-1.5 pr-3 align-top";
const MESSAGE_PREVIEW = 120;

/** The Failed page's list view: drawn from the server's first read, then polled at /api/failed with the same query. */
export function FailedList({
  initial,
  query,
  actions,
}: {
  initial: FailedListData;
  query: FailedQuery;
  actions: FailedActions;
}) {
  const t = useT();
  const search = failedSearch(query);
  const { query: q, settings } = useLivePoll<FailedListData>(
    queryKeys.failed("list", search),
    `/api/failed${search}`,
    initial,
  );
  const data = q.data;
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  // What you see is what you act on: a selected row that left the page is no longer selected.
  const visible = new Set(data.items.map((j) => j.id));
  const selected = [...picked].filter((id) => visible.has(id));
  const toggle = (id: string, on: boolean) =>
    setPicked((s) => (on ? new Set(s).add(id) : new Set([...s].filter((x) => x !== id))));
  const allOn = data.items.length > 0 && data.items.every((j) => picked.has(j.id));
  const opts = { list: data.list };
  // A row's own buttons leave with the row once it is retried or removed, so its answer is said here.
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const afterRow = setRowResult;
  // Keeps the bar (and the answer in it) after an action emptied the list.
  const [acted, setActed] = useState(false);
  // One switch for the bar's two retry buttons: whether a retry keeps the failure records.
  const [keep, setKeep] = useState(false);
  const afterBulk = () => {
    setActed(true);
    setRowResult(null);
    setPicked(new Set());
  };
  const filtered = isFiltered(data.filter);
  const pager = (
    <Pager
      t={t}
      page={data.page}
      perPage={data.perPage}
      total={data.total}
      choices={PER_PAGE_CHOICES}
      href={(page, perPage) => `/failed${failedSearch(query, { page, perPage })}`}
    />
  );

  return (
    <div className="space-y-4">
      <FailedHeader t={t} query={query} lists={data.lists} stats={data.stats} total={data.total} />
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {rowResult && <Answer result={rowResult} data-row-result />}
      {(data.total > 0 || acted) && (
        <div
          data-bulk
          className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded border border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800"
        >
          <span className="tabular-nums text-zinc-600 dark:text-zinc-400" data-selected={selected.length}>
            {t("failed.selected", { count: selected.length })}
          </span>
          <ConfirmButton
            label={t("failed.retrySelected")}
            question={retryQuestion(t, t("failed.confirm.retrySelected", { count: selected.length }), keep)}
            action={() => actions.retry(selected, { ...opts, keep })}
            onDone={afterBulk}
            disabled={selected.length === 0}
          />
          <ConfirmButton
            label={t("failed.removeSelected")}
            question={t("failed.confirm.removeSelected", { count: selected.length })}
            action={() => actions.remove(selected, opts)}
            onDone={afterBulk}
            disabled={selected.length === 0}
            danger
          />
          <span className="ml-auto inline-flex flex-wrap items-center gap-x-4 gap-y-2">
            <ConfirmButton
              label={t(filtered ? "failed.retryMatching" : "failed.retryAll", { count: data.total })}
              question={retryQuestion(t, bulkQuestion(t, "retry", data.total, data.filter), keep)}
              action={() => actions.retryAll(data.filter, { ...opts, keep })}
              onDone={afterBulk}
              disabled={data.total === 0}
            />
            {filtered ? (
              <ConfirmButton
                label={t("failed.removeMatching", { count: data.total })}
                question={bulkQuestion(t, "remove", data.total, data.filter)}
                action={() => actions.removeAll(data.filter, opts)}
                onDone={afterBulk}
                disabled={data.total === 0}
                danger
              />
            ) : (
              <ConfirmButton
                label={t("failed.clearAll")}
                question={t("failed.confirm.clear", { list: data.list, count: data.total })}
                action={() => actions.clear(opts)}
                onDone={afterBulk}
                disabled={data.total === 0}
                danger
              />
            )}
            <KeepRecord t={t} keep={keep} setKeep={setKeep} />
          </span>
        </div>
      )}
      {data.total === 0 ? (
        <p className="text-zinc-500" data-empty>
          {filtered ? t("failed.emptyFiltered") : t("failed.empty")}
        </p>
      ) : (
        <DataTable
          pager={pager}
          fixed
          dense
          columns={[
            {
              label: (
                <input
                  type="checkbox"
                  aria-label={t("failed.selectPage")}
                  checked={allOn}
                  onChange={(e) => setPicked(e.target.checked ? new Set(data.items.map((j) => j.id)) : new Set())}
                />
              ),
              className: "w-8",
            },
            { label: t("failed.col.class"), className: "w-44" },
            { label: t("failed.col.error") },
            { label: t("failed.col.queue"), className: "w-28" },
            { label: t("failed.col.worker"), className: "w-40" },
            { label: t("failed.col.failedAt"), className: "w-40" },
            { label: "", className: "w-20" },
          ]}
        >
          {data.items.map((job) => (
            <FailedRow
              key={job.id}
              t={t}
              job={job}
              nowMs={data.stats.redisTimeMs}
              list={data.list}
              picked={picked.has(job.id)}
              onPick={(on) => toggle(job.id, on)}
              actions={actions}
              onDone={afterRow}
            />
          ))}
        </DataTable>
      )}
    </div>
  );
}

/** One failure: a summary row, and below it, on demand, the backtrace, args and per-row actions. */
function FailedRow({
  t,
  job,
  nowMs,
  list,
  picked,
  onPick,
  actions,
  onDone,
}: {
  t: Translate;
  job: FailedJob;
  nowMs: number;
  list: string;
  picked: boolean;
  onPick: (on: boolean) => void;
  actions: FailedActions;
  onDone: (r: ActionResult) => void;
}) {
  const [open, setOpen] = useState(false);
  const zone = useTimeZone();
  const cls = jobClass(job);
  const message = failedMessage(t, job);
  const detailHref = `/failed/${job.id}${list === "failed" ? "" : `?list=${encodeURIComponent(list)}`}`;
  const opts = { list };
  return (
    <Fragment>
      <tr data-failed-id={job.id} className="border-t border-zinc-100 dark:border-zinc-900">
        <td className={td}>
          <input
            type="checkbox"
            aria-label={t("failed.selectRow", { class: cls })}
            checked={picked}
            onChange={(e) => onPick(e.target.checked)}
          />
        </td>
        <td className={`${td} break-all font-mono`}>
          <div>{cls}</div>
          <div className="mt-1">
            <FailedBadges t={t} job={job} nowMs={nowMs} />
          </div>
        </td>
        <td className={`${td} break-words`}>
          <div className="font-mono text-red-800 dark:text-red-300">{recordText(job.exception) || "–"}</div>
          <div data-message title={message.length > MESSAGE_PREVIEW ? message.slice(0, 2000) : undefined}>
            {message.length > MESSAGE_PREVIEW ? `${message.slice(0, MESSAGE_PREVIEW)}…` : message}
          </div>
        </td>
        <td className={`${td} break-all font-mono`}>{recordText(job.queue) || "–"}</td>
        <td className={`${td} break-all font-mono text-xs`}>
          {job.worker ? (
            <Link href={workerHref(job.worker)} className={link}>
              {recordText(job.worker)}
            </Link>
          ) : (
            "–"
          )}
        </td>
        <td className={`${td} text-xs`} title={job.failedAt.raw}>
          {failedWhen(t, job.failedAt, nowMs, zone)}
        </td>
        <td className={`${td} text-right`}>
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            className="whitespace-nowrap text-blue-700 hover:underline dark:text-blue-400"
          >
            {open ? `▾ ${t("failed.hide")}` : `▸ ${t("failed.more")}`}
          </button>
        </td>
      </tr>
      {open && (
        <tr data-failed-details={job.id}>
          <td></td>
          <td colSpan={6} className="space-y-3 pb-4 pr-3">
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <Link href={detailHref} className={link}>
                {t("failed.open")}
              </Link>
              <RetryButton
                t={t}
                label={t("failed.retry")}
                question={t("failed.confirm.retryOne", { class: cls, queue: job.queue })}
                run={(keep) => actions.retry([job.id], { ...opts, keep })}
                onDone={onDone}
              />
              <ConfirmButton
                label={t("failed.remove")}
                question={t("failed.confirm.removeOne", { class: cls })}
                action={() => actions.remove([job.id], opts)}
                onDone={onDone}
                danger
              />
            </div>
            <div>
              <h3 className="mb-1 text-xs text-zinc-500">{t("failed.backtrace")}</h3>
              <Backtrace t={t} frames={job.backtrace} />
            </div>
            <div>
              <h3 className="mb-1 flex items-center gap-2 text-xs text-zinc-500">
                {t("failed.args")} <CopyButton text={argsText(job, 2)} what={t("failed.args")} />
              </h3>
              <pre
                data-args
                className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900"
              >
                {argsText(job, 2)}
              </pre>
              <ClipNote t={t} shown={job.payload.argsClip?.text.length ?? 0} total={job.payload.argsClip?.chars} />
            </div>
          </td>
        </tr>
      )}
    </Fragment>
  );
}
