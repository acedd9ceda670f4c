"use client";

import Link from "@/components/link";
import type { KeyValue } from "@/lib/resque/admin/types";
import type { Translate } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { CursorPager, keyHref, ttlText } from "./keys-browser";
import { LiveControl, useLivePoll } from "./live-control";
import { Pager } from "./pager";
import type { KeyValueData, KeyValueQuery } from "@/lib/dashboard/contracts";
import { useT } from "../providers";
import { recordText } from "@/lib/format";

const th = "py-1 pr-4 font-normal";
const td = "py-1 pr-4 align-top";
const pre = "max-h-64 overflow-auto whitespace-pre-wrap break-all font-mono";

/** A stored value, as text: markup in it is shown, never run. */
function Text({ value }: { value: string }) {
  return <pre className={pre}>{recordText(value)}</pre>;
}

/** A table of values; `firstWidth` sizes the first column (a short index or score, or a hash field). */
function Rows({
  head,
  rows,
  firstWidth = "w-1/3",
}: {
  head: string[];
  rows: { key: string; cells: React.ReactNode[] }[];
  firstWidth?: string;
}) {
  return (
    <table className="w-full table-fixed text-sm">
      <thead className="text-left text-zinc-500">
        <tr>
          {head.map((h, i) => (
            <th key={h} className={`${th} ${i === 0 && head.length > 1 ? firstWidth : ""}`}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className="border-t border-zinc-100 dark:border-zinc-900">
            {r.cells.map((c, i) => (
              <td key={i} className={td}>
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({
  t,
  v,
  q,
  maxStringBytes,
  choices,
}: {
  t: Translate;
  v: KeyValue;
  q: KeyValueQuery;
  maxStringBytes: number;
  choices: number[];
}) {
  const cursorPager = (next: string, count: string) => (
    <CursorPager
      t={t}
      count={count}
      first={q.cursor !== "0" ? keyHref(v.key, { per: q.perPage }) : null}
      next={next !== "0" ? keyHref(v.key, { per: q.perPage, cursor: next }) : null}
    />
  );
  switch (v.type) {
    case "none":
      return (
        <p className="text-zinc-500" data-empty>
          {t("stats.key.gone")}
        </p>
      );
    case "other":
      return <p className="text-zinc-500">{t("stats.key.otherType", { type: v.redisType })}</p>;
    case "string":
      return (
        <>
          {v.truncated && (
            <p
              role="note"
              className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
              data-truncated
            >
              {t("stats.key.truncated", {
                shown: maxStringBytes.toLocaleString("en"),
                size: v.size.toLocaleString("en"),
              })}
            </p>
          )}
          <Text value={v.value} />
        </>
      );
    case "list":
    case "zset": {
      const pager = (
        <Pager
          t={t}
          path="/stats/key"
          params={{ key: v.key }}
          page={v.page}
          perPage={v.perPage}
          total={v.total}
          choices={choices}
        />
      );
      const rows =
        v.type === "list"
          ? v.items.map((it) => ({
              key: String(it.index),
              cells: [
                <span key="i" className="tabular-nums">
                  {it.index}
                </span>,
                <Text key="v" value={it.value} />,
              ],
            }))
          : v.items.map((it) => ({
              key: String(it.rank),
              cells: [
                <span key="s" className="font-mono tabular-nums">
                  {it.score}
                </span>,
                <Text key="m" value={it.member} />,
              ],
            }));
      return (
        <>
          {pager}
          <Rows
            head={
              v.type === "list"
                ? [t("stats.key.index"), t("stats.key.value")]
                : [t("stats.key.score"), t("stats.key.member")]
            }
            rows={rows}
            firstWidth={v.type === "list" ? "w-20" : "w-40"}
          />
          {v.items.length > 0 && pager}
        </>
      );
    }
    case "set":
      return (
        <>
          {cursorPager(v.nextCursor, t("stats.key.members", { n: v.total.toLocaleString("en") }))}
          <Rows
            head={[t("stats.key.member")]}
            rows={v.items.map((m) => ({ key: m, cells: [<Text key="m" value={m} />] }))}
          />
        </>
      );
    case "hash":
      return (
        <>
          {cursorPager(v.nextCursor, t("stats.key.fields", { n: v.total.toLocaleString("en") }))}
          <Rows
            head={[t("stats.key.field"), t("stats.key.value")]}
            rows={v.items.map((f) => ({
              key: f.field,
              cells: [<Text key="f" value={f.field} />, <Text key="v" value={f.value} />],
            }))}
          />
        </>
      );
    case "stream":
      return (
        <>
          {cursorPager(v.nextCursor, t("stats.key.entries", { n: v.total.toLocaleString("en") }))}
          <Rows
            firstWidth="w-56"
            head={[t("stats.key.id"), t("stats.key.value")]}
            rows={v.items.map((e) => ({
              key: e.id,
              cells: [
                <span key="i" className="font-mono">
                  {e.id}
                </span>,
                <Text key="v" value={e.fields.map(([f, x]) => `${f} = ${x}`).join("\n")} />,
              ],
            }))}
          />
        </>
      );
  }
}

/** One key's value, paged the way its type allows; refreshed by polling /api/keys/value. */
export function KeyValueView({ initial, perPageChoices }: { initial: KeyValueData; perPageChoices: number[] }) {
  const t = useT();
  const query = initial.query;
  const api = `/api/keys/value?${new URLSearchParams({ key: query.key, page: String(query.page), per: String(query.perPage), cursor: query.cursor })}`;
  const { query: q, settings } = useLivePoll<KeyValueData>(queryKeys.keyValue(query), api, initial);
  const v = q.data.value;
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/stats/keys" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("stats.keys.title")}
        </Link>
      </p>
      <h1 className="break-all font-mono text-xl font-semibold">{query.key}</h1>
      <p className="flex flex-wrap gap-4 text-sm text-zinc-600 dark:text-zinc-400">
        <span data-key-type={v.type === "other" ? v.redisType : v.type}>
          {t("stats.keys.type")}: <span className="font-mono">{v.type === "other" ? v.redisType : v.type}</span>
        </span>
        {v.type !== "none" && (
          <span>
            {t("stats.keys.ttl")}: {ttlText(t, v.ttl)}
          </span>
        )}
      </p>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      {q.data.outsideNamespace !== undefined ? (
        <p className="text-zinc-500" data-outside>
          {t("stats.key.outside", { ns: q.data.outsideNamespace })}
        </p>
      ) : (
        <Body t={t} v={v} q={query} maxStringBytes={q.data.maxStringBytes} choices={perPageChoices} />
      )}
    </div>
  );
}
