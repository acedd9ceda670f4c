"use client";

import Link from "@/components/link";
import type { Translate } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { LiveControl, useLivePoll } from "./live-control";
import type { StatsData } from "@/lib/dashboard/contracts";
import { useT } from "../providers";

function Fact({ label, value, note, name }: { label: string; value: string; note?: string; name: string }) {
  return (
    <div className="rounded border border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <dt className="text-xs tracking-wide text-zinc-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-fact={name}>
        {value}
      </dd>
      {note && <dd className="text-xs text-zinc-500">{note}</dd>}
    </div>
  );
}

function uptime(t: Translate, sec: number): string {
  if (!Number.isFinite(sec)) return "–";
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return d > 0
    ? t("stats.uptime.days", { d, h })
    : h > 0
      ? t("stats.uptime.hours", { h, m })
      : t("stats.uptime.minutes", { m });
}

const n = (v: number) => v.toLocaleString("en");

/** Resque's counters and the Redis server's INFO: the facts people look for first, then every section, folded. */
export function StatsPanel({ initial }: { initial: StatsData }) {
  const t = useT();
  const { query: q, settings } = useLivePoll<StatsData>(queryKeys.stats(), "/api/stats", initial);
  const { stats, info } = q.data;
  const server = info.server ?? {};
  const memory = info.memory ?? {};
  const keyspace = Object.entries(info.keyspace ?? {});
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">{t("stats.title")}</h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <section>
        <h2 className="mb-2 font-semibold">{t("stats.resque")}</h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Fact name="processed" label={t("stat.processed")} value={n(stats.processed)} />
          <Fact
            name="failed"
            label={t("stats.failedTotal")}
            value={n(stats.failed)}
            note={t("stats.failedTotalNote")}
          />
          <Fact name="failedList" label={t("stats.failedList")} value={n(stats.failedListLength)} />
          <Fact name="pending" label={t("stat.queued")} value={n(stats.pending)} />
          <Fact name="queues" label={t("queues.title")} value={n(stats.queues)} />
          <Fact name="workers" label={t("stat.workers")} value={n(stats.workers)} />
          <Fact name="working" label={t("stat.working")} value={n(stats.working)} />
        </dl>
      </section>
      <section>
        <h2 className="mb-2 font-semibold">{t("stats.redis")}</h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          <Fact
            name="version"
            label={t("stats.redis.version")}
            value={server.redis_version ?? "–"}
            note={server.redis_mode}
          />
          <Fact name="uptime" label={t("stats.redis.uptime")} value={uptime(t, Number(server.uptime_in_seconds))} />
          <Fact
            name="memory"
            label={t("stats.redis.memory")}
            value={memory.used_memory_human ?? "–"}
            note={t("stats.redis.peak", { peak: memory.used_memory_peak_human ?? "–" })}
          />
          <Fact name="clients" label={t("stats.redis.clients")} value={info.clients?.connected_clients ?? "–"} />
          <Fact name="ops" label={t("stats.redis.ops")} value={info.stats?.instantaneous_ops_per_sec ?? "–"} />
          <Fact
            name="keys"
            label={t("stats.redis.keyspace")}
            value={
              keyspace.length ? keyspace.map(([db, v]) => `${db}: ${/keys=(\d+)/.exec(v)?.[1] ?? v}`).join(", ") : "0"
            }
          />
        </dl>
      </section>
      <section className="space-y-1">
        <h2 className="mb-2 font-semibold">{t("stats.redis.sections")}</h2>
        {Object.entries(info).map(([section, fields]) => (
          <details
            key={section}
            className="rounded border border-zinc-200 dark:border-zinc-800"
            data-info-section={section}
          >
            <summary className="cursor-pointer px-3 py-1.5 font-mono text-sm">
              {section} <span className="text-zinc-500">({Object.keys(fields).length})</span>
            </summary>
            <table className="w-full table-fixed text-sm">
              <tbody>
                {Object.entries(fields).map(([k, v]) => (
                  <tr key={k} className="border-t border-zinc-100 dark:border-zinc-900">
                    <th
                      scope="row"
                      className="w-1/3 break-all px-3 py-0.5 text-left font-mono font-normal text-zinc-500"
                    >
                      {k}
                    </th>
                    <td className="break-all px-3 py-0.5 font-mono">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ))}
      </section>
    </div>
  );
}

/** The two views of the Stats section: counters + INFO, and the key browser. */
export function StatsTabs({ current }: { current: "info" | "keys" }) {
  const t = useT();
  const tab = (id: "info" | "keys", href: string, label: string) => (
    <Link
      href={href}
      aria-current={current === id ? "page" : undefined}
      className={`rounded px-2 py-1 ${current === id ? "bg-zinc-200 dark:bg-zinc-800" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label={t("stats.title")} className="flex gap-1 text-sm">
      {tab("info", "/stats", t("stats.tab.info"))}
      {tab("keys", "/stats/keys", t("stats.keys.title"))}
    </nav>
  );
}
