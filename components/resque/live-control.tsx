"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { formatAgo } from "@/lib/format";
import { useT } from "../providers";

const INTERVALS = [1, 2, 5, 10, 30];

interface LiveSettings {
  live: boolean;
  intervalSec: number;
}
const DEFAULT_SETTINGS: LiveSettings = { live: true, intervalSec: 2 };
const STORAGE_KEY = "live";
const changed = new Set<() => void>();
let lastRaw: string | null | undefined;
let lastRead = DEFAULT_SETTINGS;

/** The stored choice, or the default; the same object while the stored text is unchanged (useSyncExternalStore needs that). */
function readSettings(): LiveSettings {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw !== lastRaw) {
    lastRaw = raw;
    let v: Partial<LiveSettings> = {};
    try {
      v = raw ? (JSON.parse(raw) as Partial<LiveSettings>) : {};
    } catch {
      // Someone else's junk under our key: the defaults.
    }
    lastRead = {
      live: typeof v?.live === "boolean" ? v.live : DEFAULT_SETTINGS.live,
      intervalSec:
        typeof v?.intervalSec === "number" && INTERVALS.includes(v.intervalSec)
          ? v.intervalSec
          : DEFAULT_SETTINGS.intervalSec,
    };
  }
  return lastRead;
}

function subscribe(onChange: () => void): () => void {
  changed.add(onChange);
  window.addEventListener("storage", onChange); // another tab changed it
  return () => {
    changed.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

function writeSettings(next: LiveSettings): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  for (const onChange of changed) onChange();
}

/**
 * Sidekiq-style live switch: on/off and the interval, remembered in this browser (localStorage,
 * read through useSyncExternalStore: the server and the first client render use the defaults,
 * then the stored choice, with no effect copying it into state).
 */
export function useLiveSettings(): LiveSettings & {
  setLive: (v: boolean) => void;
  setIntervalSec: (v: number) => void;
} {
  const settings = useSyncExternalStore(subscribe, readSettings, () => DEFAULT_SETTINGS);
  return {
    ...settings,
    setLive: (live) => writeSettings({ ...readSettings(), live }),
    setIntervalSec: (intervalSec) => writeSettings({ ...readSettings(), intervalSec }),
  };
}

export function LiveControl({
  live,
  setLive,
  intervalSec,
  setIntervalSec,
  updatedAt,
  failed,
}: { updatedAt: number; failed: boolean } & ReturnType<typeof useLiveSettings>) {
  const t = useT();
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
  // The initial data is as old as this panel: the first render's time, not each render's.
  const [mountedAt] = useState(() => Date.now());
  const query = useQuery<T, Error, T>({
    queryKey,
    queryFn: async () => {
      const raw = await fetchJson<R>(url);
      return select ? select(raw) : (raw as unknown as T);
    },
    initialData: initial,
    initialDataUpdatedAt: mountedAt,
    refetchInterval: settings.live ? settings.intervalSec * 1000 : false,
  });
  return { query, settings };
}
