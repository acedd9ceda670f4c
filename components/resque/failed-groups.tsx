"use client";

import Link from "@/components/link";
import { queryKeys } from "@/lib/query-keys";
import { recordText } from "@/lib/format";
import { LiveControl, useLivePoll } from "./live-control";
import { failedSearch, isFiltered, type FailedQuery } from "@/lib/dashboard/failed-query";
import { FailedHeader, link } from "./failed-parts";
import { DataTable } from "@/components/data-table";
import type { FailedGroupsData } from "@/lib/dashboard/contracts";
import { useT } from "../providers";

const td = "py-1.5 pr-4 align-top";

/** Failures counted by class and exception; a group's link shows the list filtered to it. Polls /api/failed/groups. */
export function FailedGroups({ initial, query }: { initial: FailedGroupsData; query: FailedQuery }) {
  const t = useT();
  const search = failedSearch(query);
  const { query: q, settings } = useLivePoll<FailedGroupsData>(
    queryKeys.failed("groups", search),
    `/api/failed/groups${search}`,
    initial,
  );
  const data = q.data;
  const listOf = (className: string, exception: string) =>
    `/failed${failedSearch(query, { view: "list", page: 1, filter: { ...query.filter, class: className || undefined, exception: exception || undefined } })}`;
  return (
    <div className="space-y-4">
      <FailedHeader t={t} query={query} lists={data.lists} stats={data.stats} total={data.total} />
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {data.groups.length === 0 ? (
        <p className="text-zinc-500" data-empty>
          {isFiltered(data.filter) ? t("failed.emptyFiltered") : t("failed.empty")}
        </p>
      ) : (
        <DataTable
          columns={[
            { label: t("failed.col.class") },
            { label: t("failed.col.exception") },
            { label: t("failed.groups.count"), className: "text-right" },
            { label: "" },
          ]}
        >
          {data.groups.map((g) => (
            <tr
              key={`${g.className}\u0000${g.exception}`}
              data-group={`${g.className}|${g.exception}`}
              className="border-t border-zinc-100 dark:border-zinc-900"
            >
              <td className={`${td} break-all font-mono`}>{recordText(g.className) || "–"}</td>
              <td className={`${td} break-all font-mono text-red-800 dark:text-red-300`}>
                {recordText(g.exception) || "–"}
              </td>
              <td className={`${td} text-right tabular-nums`}>{g.count.toLocaleString("en")}</td>
              <td className={`${td} whitespace-nowrap`}>
                <Link href={listOf(g.className, g.exception)} className={link}>
                  {t("failed.groups.show", { count: g.count })}
                </Link>
                <span className="px-2 text-zinc-400">·</span>
                <Link
                  href={`/failed/${g.sampleId}${query.list === "failed" ? "" : `?list=${encodeURIComponent(data.list)}`}`}
                  className={link}
                >
                  {t("failed.groups.newest")}
                </Link>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
