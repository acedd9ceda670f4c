"use client";

import { useSyncExternalStore } from "react";
import { formatAgo, formatTime, UTC } from "@/lib/format";
import { useT } from "./providers";

const noChange = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || UTC;
const serverZone = () => UTC;

/**
 * The reader's time zone, for every absolute time on a page. The server cannot know it, so the
 * server's HTML and the hydrating render say UTC and React re-renders in the browser's zone right
 * after (useSyncExternalStore's server snapshot): no hydration mismatch, and no cookie to go stale
 * when a laptop travels or to be missing on the first visit, at the cost of one re-render.
 */
export function useTimeZone(): string {
  return useSyncExternalStore(noChange, browserZone, serverZone);
}

/**
 * A time as two lines: how long ago, then the absolute time in the reader's zone (dimmed), with
 * UTC on hover. Renders from server pages too (no function props).
 */
export function When({ ms, nowMs }: { ms: number; nowMs: number }) {
  const t = useT();
  const zone = useTimeZone();
  return (
    <span className="tabular-nums" title={formatTime(ms)} data-when={ms}>
      <span className="block">{formatAgo(t, nowMs - ms)}</span>
      <span className="block whitespace-nowrap text-xs text-zinc-500">{formatTime(ms, zone)}</span>
    </span>
  );
}
