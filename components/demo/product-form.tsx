"use client";

import { useState, useTransition } from "react";
import type { MessageKey } from "@/lib/i18n";
import { useCanWrite, useT } from "../providers";
import { useRunAction } from "../use-run-action";
import type { FormResult } from "@/lib/dashboard/action-result";
import { Answer } from "../answer";

export interface ProductValues {
  name: string;
  price: string;
  category: string;
  status: string;
  stock: string;
}

const input =
  "rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-[invalid=true]:border-red-600";

/** Create or edit one product; the server's message for each field appears beside that field. */
export function ProductForm({
  initial,
  categories,
  save,
  afterCreate,
}: {
  initial: ProductValues;
  categories: readonly string[];
  save: (form: ProductValues) => Promise<FormResult>;
  /** Where a created product's list goes (the form is emptied for the next one). */
  afterCreate?: boolean;
}) {
  const t = useT();
  const run = useRunAction();
  const canWrite = useCanWrite();
  const [values, setValues] = useState(initial);
  const [result, setResult] = useState<FormResult | null>(null);
  const [pending, start] = useTransition();
  const set = (k: keyof ProductValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const problem = (k: keyof ProductValues) => result?.fields?.[k];
  const row = (k: keyof ProductValues, label: string, control: React.ReactNode) => (
    <label className="grid gap-1 text-sm sm:grid-cols-[8rem_16rem_1fr] sm:items-center sm:gap-3">
      <span className="text-zinc-600 dark:text-zinc-400">{label}</span>
      {control}
      <span role={problem(k) ? "alert" : undefined} data-error={k} className="text-sm text-red-700 dark:text-red-400">
        {problem(k)}
      </span>
    </label>
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    start(async () => {
      const r = await run(() => save(values));
      setResult(r);
      if (r.ok && afterCreate) setValues(initial);
    });
  };
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {row(
        "name",
        t("demo.products.name"),
        <input
          value={values.name}
          onChange={set("name")}
          name="name"
          aria-invalid={!!problem("name")}
          className={input}
        />,
      )}
      {row(
        "price",
        t("demo.products.priceYuan"),
        <input
          value={values.price}
          onChange={set("price")}
          name="price"
          inputMode="decimal"
          aria-invalid={!!problem("price")}
          className={input}
        />,
      )}
      {row(
        "category",
        t("demo.products.category"),
        <select
          value={values.category}
          onChange={set("category")}
          name="category"
          aria-invalid={!!problem("category")}
          className={input}
        >
          <option value="">—</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {t(`demo.category.${c}` as MessageKey)}
            </option>
          ))}
        </select>,
      )}
      {row(
        "status",
        t("demo.products.status"),
        <select
          value={values.status}
          onChange={set("status")}
          name="status"
          aria-invalid={!!problem("status")}
          className={input}
        >
          {(["active", "draft", "archived"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`demo.productStatus.${s}`)}
            </option>
          ))}
        </select>,
      )}
      {row(
        "stock",
        t("demo.products.stock"),
        <input
          value={values.stock}
          onChange={set("stock")}
          name="stock"
          inputMode="numeric"
          aria-invalid={!!problem("stock")}
          className={input}
        />,
      )}
      <div className="flex flex-wrap items-center gap-3 sm:pl-[8.75rem]">
        <button
          type="submit"
          disabled={pending || !canWrite}
          title={canWrite ? undefined : t("action.readOnly")}
          className="rounded border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {t("demo.products.save")}
        </button>
        {result && <Answer result={result} inline />}
      </div>
    </form>
  );
}
