"use client";

import { useState } from "react";
import { ChartFrame, niceCeil, PLOT, SERIES, Swatch, yOf } from "./chart-frame";
import { useT } from "../providers";

import type { CounterSample } from "@/lib/resque/history";

const WINDOW_MS = 3 * 60_000;

interface Rate {
  atMs: number;
  processed: number;
  failed: number;
}

/** Per-second rates between consecutive samples; a counter that went down (a reset) counts as 0. */
function ratesOf(samples: CounterSample[]): Rate[] {
  const out: Rate[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = (b.atMs - a.atMs) / 1000;
    if (dt <= 0) continue;
    out.push({
      atMs: b.atMs,
      processed: Math.max(0, b.processed - a.processed) / dt,
      failed: Math.max(0, b.failed - a.failed) / dt,
    });
  }
  return out;
}

const rate = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

/**
 * Jobs processed and failed per second over the last 3 minutes, Sidekiq style: computed in the
 * browser from the deltas of the counters the overview already polls, so it costs no Redis call.
 * Starts from `recent`, the samples the scheduler leader took in the last minutes
 * (lib/resque/history.ts), so a visit opens on a drawn chart; without a scheduler it starts empty.
 */
export function RealtimeChart({ sample, recent = [] }: { sample: CounterSample; recent?: CounterSample[] }) {
  const t = useT();
  const [samples, setSamples] = useState<CounterSample[]>(() => [
    ...recent.filter((s) => s.atMs < sample.atMs && s.atMs >= sample.atMs - WINDOW_MS - 60_000),
    sample,
  ]);
  // A newer sample is added while rendering (React's pattern for state that follows a prop),
  // not in an effect, which would draw the stale chart once more first.
  const last = samples[samples.length - 1];
  if (!last || sample.atMs > last.atMs) {
    setSamples([...samples.filter((s) => s.atMs >= sample.atMs - WINDOW_MS - 60_000), sample]);
  }

  const rates = ratesOf(samples);
  const latest = rates[rates.length - 1];
  const nowMs = samples[samples.length - 1]!.atMs;
  const yMax = niceCeil(Math.max(0, ...rates.flatMap((r) => [r.processed, r.failed])));
  const xOf = (ms: number) => PLOT.left + ((ms - (nowMs - WINDOW_MS)) / WINDOW_MS) * (PLOT.right - PLOT.left);
  const visible = rates.filter((r) => r.atMs >= nowMs - WINDOW_MS);
  const line = (key: "processed" | "failed") =>
    visible.map((r) => `${xOf(r.atMs).toFixed(1)},${yOf(r[key], yMax).toFixed(1)}`).join(" ");
  const xLabels = [3, 2, 1, 0].map((m) => ({
    x: xOf(nowMs - m * 60_000),
    text: m === 0 ? t("stats.chart.now") : t("stats.chart.minAgo", { n: m }),
  }));
  const summary = latest
    ? t("stats.realtime.latest", { processed: rate(latest.processed), failed: rate(latest.failed) })
    : t("stats.realtime.waiting");

  return (
    <figure
      className="rounded border border-zinc-200 p-3 dark:border-zinc-800"
      data-chart="realtime"
      data-points={rates.length}
      data-rate-processed={latest?.processed ?? ""}
      data-rate-failed={latest?.failed ?? ""}
    >
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-semibold">{t("stats.realtime.title")}</span>
        <span className="flex gap-3 text-zinc-600 dark:text-zinc-400">
          <Swatch series="processed" label={t("stats.chart.processed")} />
          <Swatch series="failed" label={t("stats.chart.failed")} />
        </span>
      </figcaption>
      <ChartFrame label={`${t("stats.realtime.title")}: ${summary}`} yMax={yMax} xLabels={xLabels}>
        {visible.length > 1 && (
          <>
            <polyline
              points={line("processed")}
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              className={SERIES.processed}
            />
            <polyline
              points={line("failed")}
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              className={SERIES.failed}
            />
          </>
        )}
        {visible.map((r) => (
          <g key={r.atMs}>
            <circle
              cx={xOf(r.atMs)}
              cy={yOf(r.processed, yMax)}
              r="2"
              fill="currentColor"
              className={SERIES.processed}
            />
            <circle cx={xOf(r.atMs)} cy={yOf(r.failed, yMax)} r="2" fill="currentColor" className={SERIES.failed} />
          </g>
        ))}
      </ChartFrame>
      <p className="mt-1 text-sm tabular-nums text-zinc-700 dark:text-zinc-300" aria-live="polite" data-rate-text>
        {summary}
      </p>
    </figure>
  );
}
