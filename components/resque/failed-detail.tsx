"use client";

import Link from "@/components/link";
import { workerHref } from "@/lib/dashboard/url-path";
import { useState } from "react";
import type { Translate } from "@/lib/i18n";
import { ConfirmButton } from "./confirm-button";
import { CopyButton } from "../copy-button";
import { recordText } from "@/lib/format";
import {
  argsText,
  Backtrace,
  ClipNote,
  FailedBadges,
  failedMessage,
  failedWhen,
  jobClass,
  link,
  RetryButton,
} from "./failed-parts";
import type { FailedActions } from "./failed-list";
import type { FailedDetailData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";
import { Answer } from "../answer";

function Field({ label, children, mono = false }: { label: string; children: React.ReactNode; mono?: boolean }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 border-t border-zinc-100 py-1.5 text-sm dark:border-zinc-900">
      <dt className="text-zinc-500">{label}</dt>
      <dd className={`break-all ${mono ? "font-mono" : ""}`}>{children}</dd>
    </div>
  );
}

function Back({ t, list }: { t: Translate; list: string }) {
  return (
    <Link href={list === "failed" ? "/failed" : `/failed?list=${encodeURIComponent(list)}`} className={link}>
      ← {t("failed.detail.back")}
    </Link>
  );
}

/**
 * One failure with everything it recorded. Drawn for a gone failure too (job null), so the answer
 * of the retry or remove that made it go stays on screen when the page redraws.
 */
export function FailedDetail({
  data,
  actions,
}: {
  data: FailedDetailData;
  actions: Pick<FailedActions, "retry" | "remove">;
}) {
  const t = useT();
  const zone = useTimeZone();
  const [last, setLast] = useState<ActionResult | null>(null);
  const { job, list, redisTimeMs } = data;
  if (!job) {
    return (
      <div className="space-y-3" data-gone>
        {last && <Answer result={last} className="" />}
        <h1 className="text-xl font-semibold">{t("failed.detail.goneTitle")}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{t("failed.detail.gone")}</p>
        <p>
          <Back t={t} list={list} />
        </p>
      </div>
    );
  }
  const cls = jobClass(job);
  const p = job.payload;
  return (
    <div className="space-y-5">
      <p className="text-sm">
        <Back t={t} list={list} />
      </p>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <h1 className="break-all font-mono text-xl font-semibold">{cls}</h1>
          <FailedBadges t={t} job={job} nowMs={redisTimeMs} showFailed />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <RetryButton
            t={t}
            label={t("failed.retry")}
            question={t("failed.confirm.retryOne", { class: cls, queue: job.queue })}
            run={(keep) => actions.retry([job.id], { list, keep })}
            onDone={setLast}
          />
          <ConfirmButton
            label={t("failed.remove")}
            question={t("failed.confirm.removeOne", { class: cls })}
            action={() => actions.remove([job.id], { list })}
            onDone={setLast}
            danger
          />
        </div>
      </div>
      <section className="rounded border border-red-200 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950">
        <div className="font-mono text-sm text-red-800 dark:text-red-300">{recordText(job.exception) || "–"}</div>
        <p data-message className="mt-1 whitespace-pre-wrap break-words">
          {failedMessage(t, job)}
        </p>
      </section>
      <dl>
        <Field label={t("failed.col.queue")} mono>
          {recordText(job.queue) || "–"}
        </Field>
        <Field label={t("failed.col.worker")} mono>
          {job.worker ? (
            <Link href={workerHref(job.worker)} className="text-blue-700 hover:underline dark:text-blue-400">
              {recordText(job.worker)}
            </Link>
          ) : (
            "–"
          )}
        </Field>
        <Field label={t("failed.col.failedAt")}>
          {failedWhen(t, job.failedAt, redisTimeMs, zone)}
          {job.failedAt.raw && <span className="ml-2 font-mono text-xs text-zinc-500">{job.failedAt.raw}</span>}
        </Field>
        {job.retriedAt && (
          <Field label={t("failed.detail.retriedAt")}>
            {failedWhen(t, job.retriedAt, redisTimeMs, zone)}
            <span className="ml-2 font-mono text-xs text-zinc-500">{job.retriedAt.raw}</span>
          </Field>
        )}
        {job.attempt !== undefined && <Field label={t("failed.detail.attempt")}>{job.attempt}</Field>}
        <Field label={t("failed.detail.jobId")} mono>
          {recordText(p.id ?? "–")}
          {p.id && (
            <span className="ml-2">
              <CopyButton text={p.id} what={t("failed.detail.jobId")} />
            </span>
          )}
        </Field>
        {job.failureId && (
          <Field label={t("failed.detail.failureId")} mono>
            {recordText(job.failureId)}
          </Field>
        )}
        <Field label={t("failed.detail.list")} mono>{`${job.list} #${job.index}`}</Field>
      </dl>
      <section>
        <h2 className="mb-1 font-semibold">{t("failed.backtrace")}</h2>
        <Backtrace t={t} frames={job.backtrace} />
      </section>
      <section>
        <h2 className="mb-1 font-semibold">{t("failed.payload")}</h2>
        {p.error && <p className="mb-1 text-sm text-amber-700 dark:text-amber-400">{recordText(p.error)}</p>}
        <dl className="mb-2">
          <Field label={t("failed.col.class")} mono>
            {recordText(p.className ?? "–")}
          </Field>
        </dl>
        <h3 className="mb-1 flex items-center gap-2 text-xs text-zinc-500">
          {t("failed.args")} <CopyButton text={argsText(job, 2)} what={t("failed.args")} />
        </h3>
        <pre
          data-args
          className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900"
        >
          {argsText(job, 2)}
        </pre>
        <ClipNote t={t} shown={p.argsClip?.text.length ?? 0} total={p.argsClip?.chars} />
      </section>
      <details>
        <summary className="cursor-pointer text-sm text-zinc-500">{t("failed.detail.raw")}</summary>
        <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900">
          {recordText(job.raw)}
        </pre>
        <ClipNote t={t} shown={job.raw.length} total={job.rawChars} />
      </details>
    </div>
  );
}
