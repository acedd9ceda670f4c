"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { HistoryPoint } from "@/lib/resque/history";
import { queryKeys } from "@/lib/query-keys";
import { ChartFrame, niceCeil, PLOT, SERIES, Swatch, yOf } from "./chart-frame";
import { fetchJson } from "./live-control";
import type { HistoryData } from "@/lib/dashboard/contracts";
import { useLocale, useT } from "../providers";

/** History changes by the minute; polling it as often as the counters would only cost Redis. */
const REFRESH_MS = 30_000;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const total = (points: HistoryPoint[], key: "processed" | "failed") => points.reduce((s, p) => s + (p[key] ?? 0), 0);

/**
 * Processed and failed by hour (48 h) or by day (30 d), from the history the scheduler leader
 * samples. Labels and days follow the browser's time zone; the server's first drawing is in UTC
 * and is replaced at once by a read in the browser's zone.
 */
export function HistoryChart({ initial, live }: { initial: HistoryData; live: boolean }) {
  const t = useT();
  const locale = useLocale();
  const [unit, setUnit] = useState<"hours" | "days">("hours");
  const tz = useMemo(() => browserTimeZone(), []);
  const [mountedAt] = useState(() => Date.now());
  const q = useQuery<HistoryData>({
    queryKey: queryKeys.history(tz),
    queryFn: () => fetchJson<HistoryData>(`/api/history?tz=${encodeURIComponent(tz)}`),
    initialData: initial,
    // Data cut in another zone is stale at once, so the browser's own read replaces it on mount.
    initialDataUpdatedAt: initial.timeZone === tz ? mountedAt : 0,
    refetchInterval: live ? REFRESH_MS : false,
  });
  const data = q.data;
  const points = data[unit];
  const intlLocale = locale === "zh-CN" ? "zh-CN" : "en-GB";
  const label = new Intl.DateTimeFormat(
    intlLocale,
    unit === "hours"
      ? { timeZone: data.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : { timeZone: data.timeZone, month: "2-digit", day: "2-digit" },
  );
  const full = new Intl.DateTimeFormat(intlLocale, {
    timeZone: data.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...(unit === "hours" ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" as const } : {}),
  });
  const yMax = niceCeil(Math.max(0, ...points.flatMap((p) => [p.processed ?? 0, p.failed ?? 0])));
  const slot = (PLOT.right - PLOT.left) / Math.max(1, points.length);
  const bar = Math.max(1, slot * 0.4);
  const every = unit === "hours" ? 6 : 5;
  const xLabels = points.flatMap((p, i) =>
    (points.length - 1 - i) % every === 0 ? [{ x: PLOT.left + slot * (i + 0.5), text: label.format(p.startMs) }] : [],
  );
  const sampled = points.some((p) => p.processed !== null);
  const summary = t(unit === "hours" ? "stats.history.total48h" : "stats.history.total30d", {
    processed: total(points, "processed").toLocaleString("en"),
    failed: total(points, "failed").toLocaleString("en"),
  });
  const tab = (u: "hours" | "days", text: string) => (
    <button
      type="button"
      aria-pressed={unit === u}
      onClick={() => setUnit(u)}
      className={`rounded px-2 py-0.5 ${unit === u ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "border border-zinc-300 dark:border-zinc-700"}`}
    >
      {text}
    </button>
  );

  return (
    <figure
      className="rounded border border-zinc-200 p-3 dark:border-zinc-800"
      data-chart="history"
      data-unit={unit}
      data-total-processed={total(points, "processed")}
      data-total-failed={total(points, "failed")}
    >
      <figcaption className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="font-semibold">{t("stats.history.title")}</span>
        <span className="flex flex-wrap items-center gap-2">
          {tab("hours", t("stats.history.byHour"))}
          {tab("days", t("stats.history.byDay"))}
        </span>
      </figcaption>
      <ChartFrame label={`${t("stats.history.title")}: ${summary}`} yMax={yMax} xLabels={xLabels}>
        {points.map((p, i) => {
          const x = PLOT.left + slot * i + (slot - 2 * bar) / 2;
          const when = full.format(p.startMs);
          if (p.processed === null) {
            return (
              <g key={p.startMs} data-bucket={p.startMs}>
                <title>{t("stats.history.noSample", { when })}</title>
                <rect
                  x={x}
                  y={PLOT.bottom - 3}
                  width={2 * bar}
                  height={3}
                  className="fill-zinc-300 dark:fill-zinc-700"
                />
              </g>
            );
          }
          return (
            <g key={p.startMs} data-bucket={p.startMs}>
              <title>
                {t("stats.history.bucket", {
                  when,
                  processed: p.processed.toLocaleString("en"),
                  failed: (p.failed ?? 0).toLocaleString("en"),
                })}
              </title>
              <rect
                x={x}
                y={yOf(p.processed, yMax)}
                width={bar}
                height={PLOT.bottom - yOf(p.processed, yMax)}
                fill="currentColor"
                className={SERIES.processed}
              />
              <rect
                x={x + bar}
                y={yOf(p.failed ?? 0, yMax)}
                width={bar}
                height={PLOT.bottom - yOf(p.failed ?? 0, yMax)}
                fill="currentColor"
                className={SERIES.failed}
              />
            </g>
          );
        })}
      </ChartFrame>
      <div className="mt-1 flex flex-wrap items-baseline justify-between gap-2 text-sm text-zinc-700 dark:text-zinc-300">
        <span className="tabular-nums" data-history-text>
          {sampled ? summary : t("stats.history.empty", { command: "npm run queue -- scheduler" })}
        </span>
        <span className="flex flex-wrap gap-3 text-zinc-600 dark:text-zinc-400">
          <Swatch series="processed" label={t("stats.chart.processed")} />
          <Swatch series="failed" label={t("stats.chart.failed")} />
          <span>{t("stats.history.zone", { zone: data.timeZone })}</span>
        </span>
      </div>
    </figure>
  );
}
