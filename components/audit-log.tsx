import Link from "@/components/link";
import type { AuditEntry, AuditPage } from "@/lib/db/audit";
import { isMessageKey, translator, type Locale, type MessageKey, type Translate } from "@/lib/i18n";
import { Pager } from "./resque/pager";
import { When } from "./when";
import { DataTable } from "@/components/data-table";

export interface AuditFilters {
  action: string;
  actor: string;
  host: string;
}

const td = "py-1.5 pr-3 align-top";
const input = "h-8 rounded border border-zinc-300 bg-transparent px-2 dark:border-zinc-700";
const ITEMS_SHOWN = 3;
const TEXT_PREVIEW = 120;
const RESULTS = ["ok", "partial", "error", "denied"] as const;
const BADGE: Record<(typeof RESULTS)[number], string> = {
  ok: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  partial: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  error: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  // A refusal is what someone tried and was not allowed: the loudest badge on the page.
  denied: "bg-red-600 text-white dark:bg-red-700",
};

function ResultBadge({ t, result }: { t: Translate; result: string }) {
  const known = (RESULTS as readonly string[]).includes(result) ? (result as (typeof RESULTS)[number]) : null;
  return (
    <span
      data-result={result}
      className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${known ? BADGE[known] : BADGE.partial}`}
    >
      {known ? t(`audit.result.${known}` as MessageKey) : result}
    </span>
  );
}

/** Long text cut to a preview that opens in place; always text, never markup. */
function Expandable({ text, className = "" }: { text: string; className?: string }) {
  if (text.length <= TEXT_PREVIEW) return <span className={`break-words ${className}`}>{text}</span>;
  return (
    <details className={className}>
      <summary className="cursor-pointer break-words">{text.slice(0, TEXT_PREVIEW)}…</summary>
      <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 dark:bg-zinc-900">
        {text}
      </pre>
    </details>
  );
}

function Items({ t, items }: { t: Translate; items: (string | number)[] | null }) {
  if (!items || items.length === 0) return <>–</>;
  const shown = items.slice(0, ITEMS_SHOWN).map(String);
  if (items.length <= ITEMS_SHOWN) return <Expandable text={shown.join(", ")} className="font-mono text-xs" />;
  return (
    <details className="font-mono text-xs">
      <summary className="cursor-pointer break-all">
        {shown.map((s) => (s.length > 40 ? `${s.slice(0, 40)}…` : s)).join(", ")}{" "}
        <span className="font-sans text-zinc-500">{t("audit.moreItems", { n: items.length - ITEMS_SHOWN })}</span>
      </summary>
      <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 dark:bg-zinc-900">
        {items.map(String).join("\n")}
      </pre>
    </details>
  );
}

/** "Clear queue" / "清空队列" for `queue.clear`; a name we have no words for (an older or newer build's) as it is. */
export function actionWords(t: Translate, action: string): string {
  const key = `auditAction.${action}`;
  return isMessageKey(key) ? t(key) : action;
}

function who(t: Translate, e: AuditEntry): string {
  return e.actorEmail ?? (e.result === "denied" ? t("audit.anonymous") : t("audit.system"));
}

/**
 * The audit log: filters and pager in the URL, newest first, everything rendered as text.
 * A server component (no hooks, no useT): the page passes its locale.
 */
export function AuditLog({
  locale,
  log,
  actions,
  hosts,
  filters,
  perPageChoices,
  nowMs,
}: {
  locale: Locale;
  log: AuditPage;
  actions: string[];
  hosts: string[];
  filters: AuditFilters;
  perPageChoices: number[];
  nowMs: number;
}) {
  const t = translator(locale);
  const params: Record<string, string> = {};
  if (filters.action) params.action = filters.action;
  if (filters.actor) params.actor = filters.actor;
  if (filters.host) params.host = filters.host;
  const filterHref = (p: Record<string, string>) =>
    `/audit?${new URLSearchParams({ ...params, ...p, per: String(log.perPage) })}`;
  const pager = (
    <Pager
      t={t}
      path="/audit"
      params={params}
      page={log.page}
      perPage={log.perPage}
      total={log.total}
      choices={perPageChoices}
    />
  );
  const filtered = Object.keys(params).length > 0;
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">{t("audit.title")}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{t("audit.intro")}</p>
      </div>
      <form method="get" action="/audit" className="flex flex-wrap items-end gap-3 text-sm">
        <input type="hidden" name="per" value={log.perPage} />
        <label className="space-y-1">
          <span className="block text-zinc-600 dark:text-zinc-400">{t("audit.action")}</span>
          <select name="action" defaultValue={filters.action} className={`${input} dark:bg-zinc-950`}>
            <option value="">{t("audit.allActions")}</option>
            {[...new Set([...actions, ...(filters.action ? [filters.action] : [])])]
              .map((a) => ({ a, words: actionWords(t, a) }))
              .sort((x, y) => x.words.localeCompare(y.words, locale))
              .map(({ a, words }) => (
                <option key={a} value={a}>
                  {words}
                </option>
              ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-zinc-600 dark:text-zinc-400">{t("audit.who")}</span>
          <input
            name="actor"
            type="text"
            defaultValue={filters.actor}
            placeholder={t("audit.actorPlaceholder")}
            className={`${input} w-64`}
          />
        </label>
        <label className="space-y-1">
          <span className="block text-zinc-600 dark:text-zinc-400">{t("audit.host")}</span>
          <select name="host" defaultValue={filters.host} className={`${input} max-w-48 dark:bg-zinc-950`}>
            <option value="">{t("audit.allHosts")}</option>
            {[...new Set([...hosts, ...(filters.host ? [filters.host] : [])])].map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="h-8 rounded bg-zinc-900 px-3 text-white dark:bg-zinc-100 dark:text-zinc-900">
          {t("audit.filter")}
        </button>
        {filtered && (
          <Link href={`/audit?per=${log.perPage}`} className="py-1 text-blue-700 hover:underline dark:text-blue-400">
            {t("audit.clearFilters")}
          </Link>
        )}
      </form>
      {log.total === 0 ? (
        <p className="text-zinc-500">{filtered ? t("audit.emptyFiltered") : t("audit.empty")}</p>
      ) : (
        // The widths add up to 69rem, the desktop main column's width at 1280 px: Host joined
        // without a sideways scroll there. Narrower, the table scrolls in its box.
        <DataTable
          fixed
          dense
          pager={pager}
          columns={[
            { label: t("audit.when"), className: "w-40" },
            { label: t("audit.who"), className: "w-36" },
            { label: t("audit.action"), className: "w-32" },
            { label: t("audit.target"), className: "w-24" },
            { label: t("audit.items"), className: "w-32" },
            { label: t("audit.result"), className: "w-20" },
            { label: t("audit.detail") },
            { label: t("audit.ip"), className: "w-24" },
            { label: t("audit.host"), className: "w-20" },
          ]}
        >
          {log.items.map((e) => (
            <tr key={e.id} data-audit-id={e.id} className="border-t border-zinc-100 dark:border-zinc-900">
              <td className={td}>
                <When ms={e.atMs} nowMs={nowMs} />
                {/* On a phone the Host column is a sideways scroll away; where it ran is shown here too. */}
                {e.host && <span className="block break-all font-mono text-xs text-zinc-500 md:hidden">{e.host}</span>}
              </td>
              <td className={`${td} break-all`}>
                {e.actorEmail ? (
                  <Link href={filterHref({ actor: e.actorEmail })} className="hover:underline">
                    {e.actorEmail}
                  </Link>
                ) : (
                  <span className="italic text-zinc-500">{who(t, e)}</span>
                )}
              </td>
              <td className={`${td} break-words`}>
                <Link
                  href={filterHref({ action: e.action })}
                  title={e.action}
                  data-action={e.action}
                  className="hover:underline"
                >
                  {actionWords(t, e.action)}
                </Link>
              </td>
              <td className={`${td} break-all font-mono text-xs`}>{e.target ? <Expandable text={e.target} /> : "–"}</td>
              <td className={td}>
                <Items t={t} items={e.items} />
              </td>
              <td className={td}>
                <ResultBadge t={t} result={e.result} />
              </td>
              <td className={td}>{e.detail ? <Expandable text={e.detail} /> : "–"}</td>
              <td className={`${td} break-all font-mono text-xs`}>{e.ip ?? "–"}</td>
              <td className={`${td} break-all font-mono text-xs`} data-host={e.host ?? ""}>
                {e.host ? (
                  <Link href={filterHref({ host: e.host })} className="hover:underline">
                    {e.host}
                  </Link>
                ) : (
                  "–"
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
