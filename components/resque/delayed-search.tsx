"use client";

import Link from "@/components/link";
import type { DelayedListData } from "@/lib/dashboard/contracts";
import { formatRelative, formatTime, recordText } from "@/lib/format";
import { DataTable } from "@/components/data-table";
import { ArgsPreview, argsText, clipNote } from "./job-text";
import { Pager } from "./pager";
import { useT } from "../providers";

const td = "py-1 pr-4 align-top";
const link = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";

/**
 * A list's search box (Delayed, a queue's jobs): a GET form, so the search is in the URL like every
 * list's state; "clear" goes back to the same page size; `children` follow it (a scope note).
 */
export function SearchBox({
  action,
  q,
  perPage,
  placeholder,
  children,
}: {
  action: string;
  q: string;
  perPage: number;
  placeholder: string;
  children?: React.ReactNode;
}) {
  const t = useT();
  return (
    <form method="get" action={action} role="search" className="flex flex-wrap items-center gap-2 text-sm">
      <input
        type="search"
        name="q"
        defaultValue={q}
        maxLength={200}
        aria-label={t("ux.search.label")}
        placeholder={placeholder}
        className="w-72 max-w-full rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
      />
      <input type="hidden" name="per" value={perPage} />
      <button
        type="submit"
        className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {t("ux.search.submit")}
      </button>
      {q && (
        <>
          <Link href={`${action}?per=${perPage}`} className={link}>
            {t("ux.search.clear")}
          </Link>
          {children}
        </>
      )}
    </form>
  );
}

/** A search's matches, earliest first: when each is due (linking to its timestamp), class, queue and args. */
export function DelayedSearchResults({
  search,
  nowMs,
  perPageChoices,
}: {
  search: NonNullable<DelayedListData["search"]>;
  nowMs: number;
  perPageChoices: number[];
}) {
  const t = useT();
  const { q, window, items } = search;
  const w = window.toLocaleString("en");
  if (items.total === 0) return <p className="text-zinc-500">{t("ux.search.none", { q, window: w })}</p>;
  const pager = (
    <Pager
      t={t}
      path="/delayed"
      params={{ q }}
      page={items.page}
      perPage={items.perPage}
      total={items.total}
      choices={perPageChoices}
    />
  );
  return (
    <div className="space-y-2" data-delayed-search>
      <p className="text-sm text-zinc-500" data-search-scope>
        {t("ux.search.delayedScope", { count: items.total.toLocaleString("en"), q, window: w })}
      </p>
      <DataTable
        fixed
        pager={pager}
        columns={[
          { label: t("ux.search.col.when"), className: "w-72" },
          { label: t("queue.class"), className: "w-48" },
          { label: t("queues.name"), className: "w-32" },
          { label: t("queue.args") },
        ]}
      >
        {items.items.map((item) => {
          const ms = item.timestamp * 1000;
          return (
            <tr
              key={`${item.timestamp}-${item.index}`}
              data-timestamp={item.timestamp}
              className="border-t border-zinc-100 dark:border-zinc-900"
            >
              <td className={td}>
                <Link href={`/delayed/${item.timestamp}`} className={link}>
                  {formatRelative(t, ms - nowMs)}
                </Link>
                <div className="text-xs tabular-nums text-zinc-500">{formatTime(ms)}</div>
              </td>
              <td className={`${td} break-all font-mono`}>
                {recordText(item.payload.displayClass ?? item.payload.className ?? "?")}
              </td>
              <td className={`${td} break-all font-mono`}>{recordText(item.queue ?? t("delayed.noQueue"))}</td>
              <td className={`${td} font-mono`}>
                <ArgsPreview
                  text={argsText(item.payload)}
                  note={clipNote(t, item.payload)}
                  pretty={argsText(item.payload, 2)}
                />
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
