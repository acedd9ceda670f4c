"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatAgo, translator, type Locale } from "@/lib/i18n";

const INTERVALS = [1, 2, 5, 10, 30];

/** Sidekiq-style live switch: on/off and the interval, remembered in this browser. */
export function useLiveSettings(): {
  live: boolean;
  setLive: (v: boolean) => void;
  intervalSec: number;
  setIntervalSec: (v: number) => void;
} {
  const [live, setLive] = useState(true);
  const [intervalSec, setIntervalSec] = useState(2);
  useEffect(() => {
    const saved = localStorage.getItem("live");
    if (saved) {
      const v = JSON.parse(saved) as { live?: boolean; intervalSec?: number };
      if (typeof v.live === "boolean") setLive(v.live);
      if (typeof v.intervalSec === "number" && INTERVALS.includes(v.intervalSec)) setIntervalSec(v.intervalSec);
    }
  }, []);
  useEffect(() => localStorage.setItem("live", JSON.stringify({ live, intervalSec })), [live, intervalSec]);
  return { live, setLive, intervalSec, setIntervalSec };
}

export function LiveControl({
  locale,
  live,
  setLive,
  intervalSec,
  setIntervalSec,
  updatedAt,
  failed,
}: { locale: Locale; updatedAt: number; failed: boolean } & ReturnType<typeof useLiveSettings>) {
  const t = translator(locale);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const ago = formatAgo(t, now - updatedAt);
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
      <span className={failed ? "text-amber-700 dark:text-amber-400" : undefined}>
        {failed ? t("live.stale", { ago }) : t("live.updated", { ago })}
      </span>
      <button
        type="button"
        onClick={() => setLive(!live)}
        className="rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700"
      >
        {live ? `● ${t("live.on")} · ${t("live.pause")}` : `○ ${t("live.off")} · ${t("live.resume")}`}
      </button>
      <label className="flex items-center gap-1">
        {t("live.every")}
        <select
          value={intervalSec}
          onChange={(e) => setIntervalSec(Number(e.target.value))}
          className="rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700"
        >
          {INTERVALS.map((s) => (
            <option key={s} value={s}>
              {s} s
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** GET a JSON route the way every live panel does: no cache, a 5 s timeout, the server's message on error. */
export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

/**
 * A live panel's data: seeded by the server's first read, then polled from `url` at the interval
 * the live switch sets (`select` maps the route's JSON to what the panel shows).
 */
export function useLivePoll<R extends object, T extends object = R>(
  queryKey: readonly unknown[],
  url: string,
  initial: T,
  select?: (raw: R) => T,
) {
  const settings = useLiveSettings();
  const query = useQuery<T, Error, T>({
    queryKey,
    queryFn: async () => {
      const raw = await fetchJson<R>(url);
      return select ? select(raw) : (raw as unknown as T);
    },
    initialData: initial,
    initialDataUpdatedAt: Date.now(),
    refetchInterval: settings.live ? settings.intervalSec * 1000 : false,
  });
  return { query, settings };
}
