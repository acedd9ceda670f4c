import Link from "@/components/link";
import { PER_PAGE_PARAM } from "@/lib/dashboard/paging";
import type { Translate } from "@/lib/i18n";

/**
 * "Showing x–y of n", previous/next and 20/50/100 per page, all as links, so the page lives in the
 * URL and every view can be shared. Links go to `path` with `params` (the list's other URL
 * settings, such as filters) kept, or to whatever `href` builds when a list spells its URL itself.
 */
export function Pager({
  t,
  path = "",
  params = {},
  href: hrefOf,
  page,
  perPage,
  total,
  choices,
}: {
  t: Translate;
  path?: string;
  params?: Record<string, string>;
  href?: (page: number, perPage: number) => string;
  page: number;
  perPage: number;
  total: number;
  choices: readonly number[];
}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : Math.min(total, (page - 1) * perPage + 1);
  const to = Math.min(total, page * perPage);
  const href = (p: number, per = perPage) =>
    hrefOf
      ? hrefOf(p, per)
      : `${path}?${new URLSearchParams({ ...params, page: String(p), [PER_PAGE_PARAM]: String(per) })}`;
  const link = "rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700";
  const off = `${link} opacity-40`;
  return (
    <nav
      aria-label={t("queue.pageOf", { page, pages })}
      className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400"
    >
      <span data-showing>
        {t("queue.showing", {
          from: from.toLocaleString("en"),
          to: to.toLocaleString("en"),
          total: total.toLocaleString("en"),
        })}
      </span>
      {/* Past the end (the list shrank), "previous" goes to the last page that exists. */}
      {page > 1 ? (
        <Link className={link} href={href(Math.min(page - 1, pages))}>
          ← {t("queue.prev")}
        </Link>
      ) : (
        <span className={off}>← {t("queue.prev")}</span>
      )}
      <span>{t("queue.pageOf", { page, pages })}</span>
      {page < pages ? (
        <Link className={link} href={href(page + 1)}>
          {t("queue.next")} →
        </Link>
      ) : (
        <span className={off}>{t("queue.next")} →</span>
      )}
      <span className="flex items-center gap-1">
        {t("queue.perPage")}
        {choices.map((n) =>
          n === perPage ? (
            <span key={n} aria-current="true" className="rounded bg-zinc-200 px-1.5 dark:bg-zinc-800">
              {n}
            </span>
          ) : (
            <Link key={n} className="px-1.5 underline-offset-2 hover:underline" href={href(1, n)}>
              {n}
            </Link>
          ),
        )}
      </span>
    </nav>
  );
}
