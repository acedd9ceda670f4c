import Link from "next/link";
import type { Translate } from "@/lib/i18n";

/**
 * "Showing x–y of n", previous/next and the per-page choice, all as links so the page lives in
 * the URL (drawn above and below a list). `href` builds the URL of another page or page size.
 */
export function Pager({ t, page, perPage, total, choices, href }: { t: Translate; page: number; perPage: number; total: number; choices: readonly number[]; href: (page: number, perPage: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : Math.min(total, (page - 1) * perPage + 1);
  const to = Math.min(total, page * perPage);
  const link = "rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700";
  const off = `${link} opacity-40`;
  return (
    <nav aria-label={t("queue.pageOf", { page, pages })} className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
      <span data-showing>{t("queue.showing", { from: from.toLocaleString("en"), to: to.toLocaleString("en"), total: total.toLocaleString("en") })}</span>
      {page > 1 ? <Link className={link} href={href(Math.min(page - 1, pages), perPage)}>← {t("queue.prev")}</Link> : <span className={off}>← {t("queue.prev")}</span>}
      <span>{t("queue.pageOf", { page, pages })}</span>
      {page < pages ? <Link className={link} href={href(page + 1, perPage)}>{t("queue.next")} →</Link> : <span className={off}>{t("queue.next")} →</span>}
      <span className="flex items-center gap-1">
        {t("queue.perPage")}
        {choices.map((n) =>
          n === perPage ? (
            <span key={n} aria-current="true" className="rounded bg-zinc-200 px-1.5 dark:bg-zinc-800">{n}</span>
          ) : (
            <Link key={n} className="px-1.5 underline-offset-2 hover:underline" href={href(1, n)}>{n}</Link>
          ),
        )}
      </span>
    </nav>
  );
}
