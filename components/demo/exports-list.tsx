"use client";

import { formatAgo, formatCents, formatDuration, formatTime } from "@/lib/format";
import { useTimeZone } from "@/components/when";
import type { Translate } from "@/lib/i18n";
import type { ExportRecord } from "@/lib/db/exports";
import type { ExportsData } from "@/lib/dashboard/contracts";
import Link from "@/components/link";
import type { ProductFilter } from "@/lib/db/products";
import { queryKeys } from "@/lib/query-keys";
import { useState } from "react";
import { ConfirmButton } from "../resque/confirm-button";
import { LiveControl, useLivePoll } from "../resque/live-control";
import { Pager } from "../resque/pager";
import { DataTable } from "@/components/data-table";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";

const td = "py-2 pr-4 align-top";

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const BADGE: Record<ExportRecord["status"], string> = {
  queued: "bg-zinc-200 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  running: "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100",
  done: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100",
};

function Progress({ t, e }: { t: Translate; e: ExportRecord }) {
  const total = e.rowsTotal ?? 0;
  const pct = e.status === "done" ? 100 : total > 0 ? Math.min(100, Math.floor((e.rowsWritten / total) * 100)) : 0;
  return (
    <div className="w-48">
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={t("demo.exports.progress")}
        className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={`h-full ${e.status === "failed" ? "bg-red-500" : "bg-blue-600"}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <span className="text-xs tabular-nums text-zinc-500" data-rows>
        {e.rowsWritten.toLocaleString("en")} / {e.rowsTotal == null ? "?" : e.rowsTotal.toLocaleString("en")} · {pct}%
      </span>
    </div>
  );
}

/** Every export with a live progress bar (GET /api/exports polled), its file when done, its error and a retry when failed. */
/** The filter an export was asked for, in the reader's words: `Category: Home · Price: ¥10.00–¥99.00`. */
function describeFilter(t: Translate, f: ProductFilter): string {
  const yuan = (cents: number) => `¥${formatCents(cents)}`;
  const parts: string[] = [];
  if (f.q) parts.push(`${t("demo.products.search")}: “${f.q}”`);
  if (f.category) parts.push(`${t("demo.products.category")}: ${t(`demo.category.${f.category}`)}`);
  if (f.status) parts.push(`${t("demo.products.status")}: ${t(`demo.productStatus.${f.status}`)}`);
  if (f.priceMinCents != null || f.priceMaxCents != null) {
    parts.push(
      `${t("demo.products.price")}: ${f.priceMinCents != null ? yuan(f.priceMinCents) : ""}–${f.priceMaxCents != null ? yuan(f.priceMaxCents) : ""}`,
    );
  }
  return parts.length ? parts.join(" · ") : t("demo.exports.all");
}

export function ExportsList({
  initial,
  choices,
  retry,
}: {
  initial: ExportsData;
  choices: number[];
  retry: (id: number) => Promise<ActionResult>;
}) {
  const t = useT();
  const zone = useTimeZone();
  const { page, perPage } = initial;
  const { query: q, settings } = useLivePoll<ExportsData>(
    queryKeys.exports(page, perPage),
    `/api/exports?page=${page}&per=${perPage}`,
    initial,
  );
  const data = q.data;
  const now = q.dataUpdatedAt; // never 0: useLivePoll dates the initial data
  // The retry button's row leaves the failed state at once, so its answer is shown above the table.
  const [answer, setAnswer] = useState<ActionResult | null>(null);
  const retried = setAnswer;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("demo.exports.title")}</h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {answer && (
        <p
          role="status"
          className={`text-sm ${answer.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}
        >
          {answer.message}
        </p>
      )}
      {data.total === 0 ? (
        <p className="text-zinc-500">{t("demo.exports.empty")}</p>
      ) : (
        <>
          <Pager t={t} path="/exports" page={data.page} perPage={data.perPage} total={data.total} choices={choices} />
          <DataTable
            columns={[
              { label: "#" },
              { label: t("demo.exports.what") },
              { label: t("demo.exports.status") },
              { label: t("demo.exports.progress") },
              { label: t("demo.exports.size") },
              { label: t("demo.exports.duration") },
              { label: t("demo.exports.file") },
            ]}
          >
            {data.items.map((e) => (
              <tr
                key={e.id}
                data-export={e.id}
                data-status={e.status}
                className="border-t border-zinc-100 dark:border-zinc-900"
              >
                <td className={`${td} tabular-nums`}>{e.id}</td>
                <td className={`${td} max-w-64`}>
                  {"ids" in e.selection ? (
                    <span className="block">{t("demo.exports.selectedIds", { count: e.selection.ids.length })}</span>
                  ) : (
                    <span className="block break-words">{describeFilter(t, e.selection.filter)}</span>
                  )}
                  {/* Relative times differ by a second between the server's HTML and hydration. */}
                  <span
                    className="block text-xs text-zinc-500"
                    title={formatTime(e.createdAtMs, zone)}
                    suppressHydrationWarning
                  >
                    {e.adminEmail ?? "—"} · {formatAgo(t, now - e.createdAtMs)}
                  </span>
                </td>
                <td className={td}>
                  <span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${BADGE[e.status]}`}>
                    {t(`demo.exportStatus.${e.status}`)}
                  </span>
                  {e.status === "queued" && data.waiting && (
                    <span
                      data-waiting={data.waiting.reason}
                      className="mt-1 block text-xs text-amber-800 dark:text-amber-300"
                    >
                      {data.waiting.reason === "all-paused" ? (
                        t("demo.exports.waitingAll")
                      ) : (
                        <Link href={`/queues/${encodeURIComponent(data.waiting.queue)}`} className="underline">
                          {t("demo.exports.waitingQueue", { queue: data.waiting.queue })}
                        </Link>
                      )}
                    </span>
                  )}
                </td>
                <td className={td}>
                  <Progress t={t} e={e} />
                </td>
                <td className={`${td} whitespace-nowrap tabular-nums`}>
                  {e.sizeBytes == null ? "–" : bytes(e.sizeBytes)}
                </td>
                <td className={`${td} whitespace-nowrap tabular-nums`} suppressHydrationWarning>
                  {e.startedAtMs == null ? "–" : formatDuration(t, (e.finishedAtMs ?? now) - e.startedAtMs)}
                </td>
                <td className={td}>
                  {e.status === "done" && e.file && (
                    <a
                      href={`/uploads/export/${encodeURIComponent(e.file)}`}
                      download
                      className="break-all text-blue-700 hover:underline dark:text-blue-400"
                    >
                      {t("demo.exports.download")} {e.file}
                    </a>
                  )}
                  {e.status === "failed" && (
                    <div className="space-y-1">
                      <pre className="max-w-md whitespace-pre-wrap break-words text-xs text-red-700 dark:text-red-400">
                        {e.error}
                      </pre>
                      <ConfirmButton
                        label={t("demo.exports.retry")}
                        action={() => retry(e.id)}
                        onDone={retried}
                        quiet
                      />
                    </div>
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
