"use client";

import Link from "@/components/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { FailedFilter, FailedJob, FailedListInfo, ResqueStats } from "@/lib/resque/admin/types";
import type { Translate } from "@/lib/i18n";
import type { ParsedDate } from "@/lib/resque/dates";
import { formatAgo, formatStamp, recordText } from "@/lib/format";
import { useCanWrite } from "../providers";
import { ConfirmButton } from "./confirm-button";
import { CopyButton } from "../copy-button";
import { failedSearch, isFiltered, type FailedQuery } from "@/lib/dashboard/failed-query";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useTimeZone } from "@/components/when";

/** Frames shown before "show all": enough to see where it broke without a wall of text. */
export const BACKTRACE_HEAD = 5;

export const badge = "rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap";
export const link = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";
export const inputCls = "rounded border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700";

/** The class a person knows the job by: ActiveJob's wrapped class, else the payload class. */
export function jobClass(job: FailedJob): string {
  return recordText(job.payload.displayClass ?? job.payload.className ?? "?");
}

/**
 * Args as JSON text (rendered as text, never HTML: a `<script>` in the args is shown, not run;
 * hidden controls as markers). Args cut for this view arrive as text, with a note to say so.
 */
export function argsText(job: FailedJob, indent?: number): string {
  const p = job.payload;
  if (p.argsClip) return recordText(p.argsClip.text);
  if (!p.ok && p.argsArray.length === 0) return recordText(p.raw);
  try {
    return recordText(JSON.stringify(p.argsArray, null, indent) ?? "");
  } catch {
    return recordText(p.raw);
  }
}

/** The record's message; for a record that could not be read, that it is unreadable, its size and why. */
export function failedMessage(t: Translate, job: FailedJob): string {
  if (job.parseError === undefined) return recordText(job.error);
  const size = (job.rawChars ?? job.raw.length).toLocaleString("en");
  return t("record.unreadable", { size, reason: recordText(job.parseError) });
}

/** "first 2,000 of 2,097,152 characters shown" under a text that was cut, else nothing. */
export function ClipNote({ t, shown, total }: { t: Translate; shown: number; total: number | undefined }) {
  if (total === undefined || total <= shown) return null;
  return (
    <p className="text-xs text-zinc-500" data-clipped>
      {t("record.clipped", { shown: shown.toLocaleString("en"), total: total.toLocaleString("en") })}
    </p>
  );
}

/**
 * When it failed, as formatWhen says it; a stamp whose zone we cannot tell (Ruby's local `CST`
 * is US Central or China) is shown as written rather than converted wrongly.
 */
export function failedWhen(t: Translate, d: ParsedDate | undefined, nowMs: number, zone?: string): string {
  if (d && d.ms !== null && !d.zoneKnown) return t("failed.zoneUnknown", { raw: d.raw });
  return formatStamp(t, d, nowMs, zone);
}

/** State badges: retried and attempt marks (and, where the page is not all failures anyway, "failed"). */
export function FailedBadges({
  t,
  job,
  nowMs,
  showFailed = false,
}: {
  t: Translate;
  job: FailedJob;
  nowMs: number;
  showFailed?: boolean;
}) {
  const zone = useTimeZone();
  return (
    <span className="inline-flex flex-wrap gap-1">
      {showFailed && (
        <span className={`${badge} bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100`}>
          {t("failed.badge.failed")}
        </span>
      )}
      {job.retriedAt && (
        <span
          data-badge="retried"
          title={t("failed.retriedAt", { time: failedWhen(t, job.retriedAt, nowMs, zone) })}
          className={`${badge} bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100`}
        >
          {/* A stamp whose zone is unknown (Ruby's local CST) has no honest age: the title shows it as written. */}
          {job.retriedAt.ms === null || !job.retriedAt.zoneKnown
            ? t("failed.badge.retried")
            : t("ux.retriedAgo", { ago: formatAgo(t, nowMs - job.retriedAt.ms) })}
        </span>
      )}
      {job.attempt !== undefined && (
        <span className={`${badge} bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100`}>
          {t("failed.badge.attempt", { n: job.attempt })}
        </span>
      )}
    </span>
  );
}

/** The backtrace as text, its first frames only until asked for the rest. */
export function Backtrace({ t, frames }: { t: Translate; frames: string[] }) {
  const [all, setAll] = useState(false);
  if (frames.length === 0) return <p className="text-sm text-zinc-500">{t("failed.backtrace.none")}</p>;
  const shown = all ? frames : frames.slice(0, BACKTRACE_HEAD);
  return (
    <div className="space-y-1">
      <CopyButton text={recordText(frames.join("\n"))} what={t("failed.backtrace")} />
      <pre
        data-backtrace
        className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900"
      >
        {recordText(shown.join("\n"))}
      </pre>
      {frames.length > BACKTRACE_HEAD && (
        <button
          type="button"
          onClick={() => setAll(!all)}
          className="text-sm text-blue-700 hover:underline dark:text-blue-400"
        >
          {all
            ? t("failed.backtrace.showLess", { count: BACKTRACE_HEAD })
            : t("failed.backtrace.showAll", { count: frames.length })}
        </button>
      )}
    </div>
  );
}

/** The "keep the failure record after retrying" switch (off: the record goes, as users usually want). */
export function KeepRecord({
  t,
  keep,
  setKeep,
  disabled = false,
}: {
  t: Translate;
  keep: boolean;
  setKeep: (v: boolean) => void;
  disabled?: boolean;
}) {
  const canWrite = useCanWrite();
  return (
    <label className="inline-flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
      <input
        type="checkbox"
        checked={keep}
        disabled={!canWrite || disabled}
        onChange={(e) => setKeep(e.target.checked)}
      />
      {t("failed.keepRecord")}
    </label>
  );
}

/** The question, plus what happens to the records when they are kept. */
export function retryQuestion(t: Translate, question: string, keep: boolean): string {
  return keep ? question + t("sentence.gap") + t("failed.confirm.keepNote") : question;
}

/** A single failure's retry button with its own keep switch. */
export function RetryButton({
  t,
  label,
  question,
  run,
  onDone,
}: {
  t: Translate;
  label: string;
  question: string;
  run: (keep: boolean) => Promise<ActionResult>;
  onDone?: (r: ActionResult) => void;
}) {
  const [keep, setKeep] = useState(false);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
      <ConfirmButton
        label={label}
        question={retryQuestion(t, question, keep)}
        action={() => run(keep)}
        onDone={onDone}
      />
      <KeepRecord t={t} keep={keep} setKeep={setKeep} />
    </span>
  );
}

/** "12 failed SendEmail jobs": the count and, when filtered by class, the class. */
function jobsPhrase(t: Translate, count: number, filter: FailedFilter): string {
  return filter.class
    ? t("failed.jobs.class", { class: filter.class, count: count })
    : t("failed.jobs", { count: count });
}

/**
 * A bulk question that names the count and, when filtered, the queue and class ("Retry 12 failed
 * jobs from email?"); exception and text filters are spelled out after it.
 */
export function bulkQuestion(t: Translate, verb: "retry" | "remove", count: number, filter: FailedFilter): string {
  const jobs = jobsPhrase(t, count, filter);
  let q = filter.queue
    ? t(`failed.confirm.${verb}From`, { jobs, queue: filter.queue })
    : t(`failed.confirm.${verb}`, { jobs });
  const more: string[] = [];
  if (filter.exception) more.push(t("failed.confirm.withException", { exception: filter.exception }));
  if (filter.text) more.push(t("failed.confirm.withText", { text: filter.text }));
  if (more.length) q += t("sentence.gap") + t("failed.confirm.only", { what: more.join(t("failed.msg.join")) });
  if (verb === "remove") q += t("sentence.gap") + t("failed.confirm.permanent");
  return q;
}

/** Processed and failed counters, from the same poll as the list, so they move without a reload. */
export function FailedCounters({ t, stats, total }: { t: Translate; stats: ResqueStats; total: number }) {
  const items: [string, string, number][] = [
    ["processed", t("stat.processed"), stats.processed],
    ["failed", t("failed.stat.failedTotal"), stats.failed],
    ["list", t("failed.stat.inList"), total],
  ];
  return (
    <dl className="flex flex-wrap gap-3">
      {items.map(([key, label, value]) => (
        <div key={key} className="min-w-32 rounded border border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <dt className="text-xs text-zinc-500">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-counter={key}>
            {value.toLocaleString("en")}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Title, counters, the list/grouped switch, the list picker (only when there is more than one
 * list) and the filter form; filters go into the URL with GET semantics (a router push).
 */
export function FailedHeader({
  t,
  query,
  lists,
  stats,
  total,
}: {
  t: Translate;
  query: FailedQuery;
  lists: FailedListInfo[];
  stats: ResqueStats;
  total: number;
}) {
  const router = useRouter();
  const go = (change: Parameters<typeof failedSearch>[1]) =>
    router.push(`/failed${failedSearch(query, { page: 1, ...change })}`);
  const tab = (view: FailedQuery["view"], label: string) =>
    query.view === view ? (
      <span
        aria-current="page"
        className="rounded bg-zinc-900 px-2 py-1 text-white dark:bg-zinc-100 dark:text-zinc-900"
      >
        {label}
      </span>
    ) : (
      <Link
        href={`/failed${failedSearch(query, { view, page: 1 })}`}
        className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        {label}
      </Link>
    );
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const get = (k: string) => String(form.get(k) ?? "").trim() || undefined;
    go({ filter: { queue: get("queue"), class: get("class"), exception: get("exception"), text: get("q") } });
  };
  const f = query.filter;
  const field = (name: string, label: string, value: string | undefined, placeholder?: string) => (
    <label className="flex flex-col gap-0.5 text-xs text-zinc-500">
      {label}
      <input
        name={name}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        maxLength={200}
        className={`${inputCls} ${placeholder ? "w-64" : "w-40"} text-zinc-900 dark:text-zinc-100`}
      />
    </label>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("failed.title")}</h1>
        <FailedCounters t={t} stats={stats} total={total} />
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <nav aria-label={t("failed.views")} className="flex gap-1">
          {tab("list", t("failed.tab.list"))}
          {tab("groups", t("failed.tab.groups"))}
        </nav>
        {lists.length > 1 && (
          <label className="ml-auto flex items-center gap-2">
            {t("failed.listPicker")}
            <select value={query.list} onChange={(e) => go({ list: e.target.value })} className={inputCls}>
              {lists.map((l) => (
                <option key={l.name} value={l.name}>
                  {t("failed.listOption", { name: l.name, size: l.size.toLocaleString("en") })}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {/* key: a new URL redraws the inputs with its values (back/forward, clicking a group) */}
      <form key={failedSearch(query)} role="search" onSubmit={onSubmit} className="flex flex-wrap items-end gap-2">
        {field("queue", t("failed.col.queue"), f.queue)}
        {field("class", t("failed.col.class"), f.class)}
        {field("exception", t("failed.col.exception"), f.exception)}
        {field("q", t("failed.filter.text"), f.text, t("failed.filter.textHint"))}
        <button
          type="submit"
          className="rounded border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {t("failed.filter.apply")}
        </button>
        {isFiltered(f) && (
          <Link href={`/failed${failedSearch(query, { filter: {}, page: 1 })}`} className={`${link} py-1 text-sm`}>
            {t("failed.filter.clear")}
          </Link>
        )}
      </form>
    </div>
  );
}
