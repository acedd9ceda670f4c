"use client";

import Link from "@/components/link";
import { useState } from "react";
import { useSelection } from "../use-selection";
import { formatCents, formatTime } from "@/lib/format";
import { useTimeZone } from "@/components/when";
import type { MessageKey } from "@/lib/i18n";
import type { ProductPage } from "@/lib/db/products";
import { ConfirmButton } from "../resque/confirm-button";
import { DataTable } from "@/components/data-table";
import { Pager } from "../resque/pager";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";

export interface ProductsActions {
  remove: (ids: number[]) => Promise<ActionResult>;
  exportCsv: (input: { ids?: number[]; filter?: Record<string, string> }) => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-middle";
const field = "rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const SORTABLE = [
  ["id", "ID"],
  ["name", "demo.products.name"],
  ["price", "demo.products.price"],
  ["stock", "demo.products.stock"],
  ["updated", "demo.products.updated"],
] as const;

/**
 * The demo's products: filters, sort and page in the URL (a plain GET form, so a view can be
 * shared); a selection for delete and export that survives paging; "Export to CSV" exports the
 * selection, or everything the filters match when nothing is selected.
 */
export function ProductsList({
  products,
  params,
  form,
  errors,
  categories,
  choices,
  actions,
}: {
  products: ProductPage;
  /** The valid filter as URL params, kept by the pager and the sort links. */
  params: Record<string, string>;
  /** What the URL said, to refill the form even when it was refused. */
  form: Record<string, string>;
  errors: Record<string, string>;
  categories: readonly string[];
  choices: number[];
  actions: ProductsActions;
}) {
  const t = useT();
  const zone = useTimeZone();
  const [exported, setExported] = useState(false);
  const selection = useSelection(products.items.map((p) => p.id));
  const ids = selection.ids;
  const pagerParams = { ...params };
  const sort = params.sort ?? "id";
  const sortHref = (key: string) =>
    `/products?${new URLSearchParams({ ...params, sort: sort === key ? `-${key}` : key, per: String(products.perPage) })}`;
  const err = (name: string) =>
    errors[name] && (
      <span role="alert" className="block text-xs text-red-700 dark:text-red-400">
        {errors[name]}
      </span>
    );
  // Drawn above the list, and again below it when the list is longer than a page.
  const pager = (
    <Pager
      t={t}
      path="/products"
      params={pagerParams}
      page={products.page}
      perPage={products.perPage}
      total={products.total}
      choices={choices}
    />
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">{t("demo.products.title")}</h1>
        <Link
          href="/products/new"
          className="rounded border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {t("demo.products.new")}
        </Link>
      </div>
      <form method="get" action="/products" role="search" className="flex flex-wrap items-start gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">{t("demo.products.search")}</span>
          <input
            type="search"
            name="q"
            defaultValue={form.q ?? ""}
            maxLength={100}
            placeholder={t("demo.products.searchHint")}
            className={`${field} w-56`}
          />
          {err("q")}
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">{t("demo.products.category")}</span>
          <select name="category" defaultValue={form.category ?? ""} className={field}>
            <option value="">{t("demo.products.any")}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`demo.category.${c}` as MessageKey)}
              </option>
            ))}
          </select>
          {err("category")}
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">{t("demo.products.status")}</span>
          <select name="status" defaultValue={form.status ?? ""} className={field}>
            <option value="">{t("demo.products.any")}</option>
            {(["active", "draft", "archived"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`demo.productStatus.${s}`)}
              </option>
            ))}
          </select>
          {err("status")}
        </label>
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-zinc-600 dark:text-zinc-400">{t("demo.products.priceRange")}</legend>
          <span className="flex items-center gap-1">
            <input
              name="priceMin"
              inputMode="decimal"
              defaultValue={form.priceMin ?? ""}
              aria-label={t("demo.products.priceMin")}
              placeholder="0.00"
              className={`${field} w-24`}
            />
            –
            <input
              name="priceMax"
              inputMode="decimal"
              defaultValue={form.priceMax ?? ""}
              aria-label={t("demo.products.priceMax")}
              placeholder="9999.00"
              className={`${field} w-24`}
            />
          </span>
          {err("priceMin")}
          {err("priceMax")}
        </fieldset>
        {form.sort && <input type="hidden" name="sort" value={form.sort} />}
        <input type="hidden" name="per" value={products.perPage} />
        <span className="flex flex-col gap-1">
          <span aria-hidden className="invisible">
            .
          </span>
          <span className="flex items-center gap-2">
            <button
              type="submit"
              className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              {t("demo.products.filter")}
            </button>
            <Link href="/products" className="text-blue-700 hover:underline dark:text-blue-400">
              {t("demo.products.reset")}
            </Link>
          </span>
        </span>
        {err("sort")}
      </form>

      <div
        className="flex flex-wrap items-center gap-3 rounded border border-zinc-200 p-2 text-sm dark:border-zinc-800"
        data-selected={ids.length}
      >
        <span>{t("demo.users.selected", { count: ids.length })}</span>
        {ids.length > 0 && (
          <button type="button" className="text-blue-700 hover:underline dark:text-blue-400" onClick={selection.clear}>
            {t("demo.users.clearSelection")}
          </button>
        )}
        <ConfirmButton
          label={
            ids.length
              ? t("demo.products.exportSelected", { count: ids.length })
              : t("demo.products.exportMatching", { count: products.total.toLocaleString("en") })
          }
          action={() => actions.exportCsv(ids.length ? { ids } : { filter: params })}
          onDone={(r) => setExported(r.ok)}
        />
        {exported && (
          <Link href="/exports" className="text-blue-700 underline dark:text-blue-400">
            {t("demo.products.seeProgress")}
          </Link>
        )}
        <ConfirmButton
          danger
          disabled={ids.length === 0}
          label={t("demo.products.deleteSelected", { count: ids.length })}
          question={t("demo.products.deleteQuestion", { count: ids.length })}
          action={() => actions.remove(ids)}
          onDone={(r) => r.ok && selection.clear()}
        />
      </div>

      {pager}
      {products.total === 0 ? (
        <p className="text-zinc-500">{t("demo.products.empty")}</p>
      ) : (
        <DataTable
          columns={[
            {
              label: (
                <input
                  type="checkbox"
                  aria-label={t("demo.products.selectPage")}
                  checked={selection.allOnPage}
                  onChange={(e) => selection.togglePage(e.target.checked)}
                />
              ),
              className: "w-8",
            },
            ...SORTABLE.map(([key, label]) => ({
              label: (
                <Link href={sortHref(key)} className="hover:underline">
                  {key === "id" ? label : t(label as MessageKey)}
                  {/* no-break space: "ID" and its arrow stay on one line in a narrow column */}
                  {sort === key ? "\u00a0↑" : sort === `-${key}` ? "\u00a0↓" : ""}
                </Link>
              ),
              sort: sort === key ? ("ascending" as const) : sort === `-${key}` ? ("descending" as const) : undefined,
            })),
            { label: t("demo.products.category") },
            { label: t("demo.products.status") },
          ]}
        >
          {products.items.map((p) => (
            <tr key={p.id} data-product={p.id} className="border-t border-zinc-100 dark:border-zinc-900">
              <td className={td}>
                <input
                  type="checkbox"
                  aria-label={t("demo.users.selectOne", { name: p.name })}
                  checked={selection.has(p.id)}
                  onChange={(e) => selection.toggle([p.id], e.target.checked)}
                />
              </td>
              <td className={`${td} tabular-nums`}>{p.id}</td>
              <td className={td}>
                <Link href={`/products/${p.id}`} className="text-blue-700 hover:underline dark:text-blue-400">
                  {p.name}
                </Link>
              </td>
              <td className={`${td} tabular-nums`}>¥{formatCents(p.priceCents)}</td>
              <td className={`${td} tabular-nums`}>{p.stock.toLocaleString("en")}</td>
              <td className={`${td} whitespace-nowrap tabular-nums text-zinc-500`}>
                <span title={formatTime(p.updatedAtMs)}>{formatTime(p.updatedAtMs, zone).slice(0, 10)}</span>
              </td>
              <td className={td}>{t(`demo.category.${p.category}` as MessageKey)}</td>
              <td className={td}>{t(`demo.productStatus.${p.status}`)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {products.total > products.perPage && pager}
    </div>
  );
}
