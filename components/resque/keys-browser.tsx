"use client";

import Link from "@/components/link";
import type { KeySummary } from "@/lib/resque/admin/types";
import type { Translate } from "@/lib/i18n";
import { queryKeys } from "@/lib/query-keys";
import { LiveControl, useLivePoll } from "./live-control";
import { DataTable } from "@/components/data-table";
import type { KeysData, KeysQuery } from "@/lib/dashboard/contracts";
import { useT } from "../providers";
import { formatRelative, recordText } from "@/lib/format";

const TYPES = ["string", "list", "set", "zset", "hash", "stream"];
const link = "rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700";
const td = "py-1 pr-4 align-top";

function keysParams(q: Partial<KeysQuery>): string {
  const p = new URLSearchParams();
  if (q.match) p.set("match", q.match);
  if (q.type) p.set("type", q.type);
  if (q.perPage) p.set("per", String(q.perPage));
  if (q.cursor && q.cursor !== "0") p.set("cursor", q.cursor);
  return p.toString();
}

const keysHref = (q: Partial<KeysQuery>) => `/stats/keys?${keysParams(q)}`;

/** The link to one key's page. */
export function keyHref(key: string, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams({ key });
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  return `/stats/key?${p}`;
}

/** A SCAN-style pager: back to the start, or on from the cursor Redis gave — SCAN has no "previous". */
export function CursorPager({
  t,
  first,
  next,
  count,
}: {
  t: Translate;
  first: string | null;
  next: string | null;
  count: string;
}) {
  return (
    <nav
      aria-label={t("stats.keys.pages")}
      className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400"
    >
      <span data-showing>{count}</span>
      {first ? (
        <Link className={link} href={first}>
          ⇤ {t("stats.keys.first")}
        </Link>
      ) : null}
      {next ? (
        <Link className={link} href={next} data-next>
          {t("queue.next")} →
        </Link>
      ) : (
        <span data-scan-complete>{t("stats.keys.complete")}</span>
      )}
    </nav>
  );
}

function sizeText(t: Translate, k: KeySummary): string {
  if (k.size < 0) return "–";
  if (k.type === "string") return t("stats.keys.bytes", { n: k.size });
  return t("stats.keys.items", { n: k.size });
}

/** When a key expires, rolled up ("in 2 hours"); the exact seconds are in the JSON route. */
export function ttlText(t: Translate, ttl: number): string {
  return ttl >= 0 ? formatRelative(t, ttl * 1000) : t("stats.keys.noTtl");
}

/** The key browser: a SCAN page of keys matching a pattern, with the cursor in the URL; refreshed by polling /api/keys. */
export function KeysBrowser({ initial, perPageChoices }: { initial: KeysData; perPageChoices: number[] }) {
  const t = useT();
  const query = initial.query;
  const { query: q, settings } = useLivePoll<KeysData>(
    queryKeys.keys(query),
    `/api/keys?${keysParams(query)}`,
    initial,
  );
  const { keys, nextCursor, defaultMatch } = q.data;
  const pager = (
    <CursorPager
      t={t}
      count={t("stats.keys.found", { n: keys.length })}
      first={query.cursor !== "0" ? keysHref({ ...query, cursor: "0" }) : null}
      next={nextCursor !== "0" ? keysHref({ ...query, cursor: nextCursor }) : null}
    />
  );
  return (
    <div className="space-y-4">
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <form method="get" action="/stats/keys" className="flex flex-wrap items-end gap-3 text-sm" role="search">
        <label className="flex flex-col gap-1">
          <span className="text-zinc-500">{t("stats.keys.match")}</span>
          <input
            name="match"
            defaultValue={query.match}
            placeholder={defaultMatch}
            className="w-80 rounded border border-zinc-300 bg-transparent px-2 py-1 font-mono dark:border-zinc-700"
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-500">{t("stats.keys.type")}</span>
          <select
            name="type"
            defaultValue={query.type}
            className="rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          >
            <option value="">{t("stats.keys.anyType")}</option>
            {TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-500">{t("queue.perPage")}</span>
          <select
            name="per"
            defaultValue={String(query.perPage)}
            className="rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          >
            {perPageChoices.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={link}>
          {t("stats.keys.scan")}
        </button>
      </form>
      <p className="text-xs text-zinc-500">{t("stats.keys.hint")}</p>
      {pager}
      {keys.length === 0 ? (
        <p className="text-zinc-500" data-empty>
          {nextCursor === "0" ? t("stats.keys.none") : t("stats.keys.noneYet")}
        </p>
      ) : (
        <DataTable
          fixed
          columns={[
            { label: t("stats.keys.key") },
            { label: t("stats.keys.type"), className: "w-24" },
            { label: t("stats.keys.size"), className: "w-32" },
            { label: t("stats.keys.ttl"), className: "w-32" },
          ]}
        >
          {keys.map((k) => (
            <tr key={k.key} data-key={k.key} className="border-t border-zinc-100 dark:border-zinc-900">
              <td className={`${td} break-all font-mono`}>
                <Link
                  href={keyHref(k.key)}
                  className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                >
                  {recordText(k.key)}
                </Link>
              </td>
              <td className={`${td} font-mono`}>{k.type}</td>
              <td className={`${td} tabular-nums`}>{sizeText(t, k)}</td>
              <td className={`${td} tabular-nums`}>{ttlText(t, k.ttl)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {keys.length > 0 && pager}
    </div>
  );
}
