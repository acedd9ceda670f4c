"use client";

import Link from "@/components/link";
import type { WorkerInfo } from "@/lib/resque/admin/types";
import { workerHref } from "@/lib/dashboard/url-path";
import { formatStamp as when, recordText, workerProcesses } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { DataTable } from "@/components/data-table";
import { AllPausedBanner, LivenessBadge } from "./state-badges";
import type { WorkersData } from "@/lib/dashboard/contracts";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";
import { useTimeZone } from "@/components/when";

const td = "py-1 pr-4 align-top";

/** Registered workers grouped by host, refreshed by polling /api/workers. */
export function WorkersList({
  initial,
  prune,
}: {
  initial: WorkersData;
  prune: (id: string) => Promise<ActionResult>;
}) {
  const t = useT();
  const zone = useTimeZone();
  const { query: q, settings } = useLivePoll<WorkersData>(queryKeys.workers(), "/api/workers", initial);
  const { workers, redisTimeMs, pause } = q.data;
  const hosts = new Map<string, WorkerInfo[]>();
  for (const w of workers) hosts.set(w.host, [...(hosts.get(w.host) ?? []), w]);
  for (const [host, list] of hosts)
    hosts.set(
      host,
      workerProcesses(list).flatMap((p) => p.slots),
    );
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">{t("workers.title")}</h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {pause.all && <AllPausedBanner source={pause.source} />}
      {workers.length === 0 ? (
        <p className="text-zinc-500">{t("workers.empty", { command: "npm run queue -- work" })}</p>
      ) : (
        [...hosts.entries()].map(([host, list]) => (
          <section key={host}>
            <h2 className="mb-2 font-semibold">{t("workers.host", { host })}</h2>
            <ul className="mb-2 text-sm text-zinc-600 dark:text-zinc-300">
              {workerProcesses(list)
                .filter((p) => p.slots.length > 1)
                .map((p) => (
                  <li key={p.pid} data-process={p.pid}>
                    {t("workers.process", { pid: p.pid, busy: p.busy, slots: p.slots.length, free: p.free })}
                  </li>
                ))}
            </ul>
            <DataTable
              columns={[
                { label: t("workers.id") },
                { label: t("workers.liveness") },
                { label: t("workers.queues") },
                { label: t("workers.doing") },
                { label: t("workers.started") },
                { label: t("workers.heartbeat") },
                { label: t("workers.processed") },
                { label: t("workers.failed") },
                { label: "" },
              ]}
            >
              {list.map((w) => (
                <tr key={w.id} data-worker={w.id} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className={`${td} break-all font-mono`}>
                    <Link href={workerHref(w.id)} className="text-blue-700 hover:underline dark:text-blue-400">
                      {recordText(w.id)}
                    </Link>
                  </td>
                  <td className={td}>
                    <LivenessBadge liveness={w.liveness} />
                  </td>
                  <td className={`${td} font-mono`}>{recordText(w.queues.join(", "))}</td>
                  <td className={td}>
                    {w.job ? (
                      <>
                        <div className="font-mono">
                          {t("workers.on", {
                            job: recordText(w.job.payload.displayClass ?? "?"),
                            queue: recordText(w.job.queue),
                          })}
                        </div>
                        <div className="text-xs text-zinc-500">
                          {t("workers.since", { time: when(t, w.job.runAt, redisTimeMs, zone) })}
                        </div>
                      </>
                    ) : (
                      t("workers.idle")
                    )}
                  </td>
                  <td className={`${td} text-xs`}>{when(t, w.started, redisTimeMs, zone)}</td>
                  <td className={`${td} text-xs`}>{when(t, w.heartbeat, redisTimeMs, zone)}</td>
                  <td className={`${td} tabular-nums`}>{w.processed.toLocaleString("en")}</td>
                  <td className={`${td} tabular-nums`}>{w.failed.toLocaleString("en")}</td>
                  <td className={td}>
                    {w.liveness === "dead" && (
                      <ConfirmButton
                        label={t("workers.prune")}
                        question={t("workers.pruneConfirm", { id: w.id })}
                        action={() => prune(w.id)}
                        danger
                      />
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          </section>
        ))
      )}
    </div>
  );
}
