import Link from "@/components/link";
import { notFound } from "next/navigation";
import { ProductForm } from "@/components/demo/product-form";
import { ConfirmButton } from "@/components/resque/confirm-button";
import { getDb, getProduct, PRODUCT_CATEGORIES } from "@/lib/db";
import { formatCents } from "@/lib/format";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { deleteProductsAction, updateProductAction } from "../actions";
import type { Metadata } from "next";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: t("title.product", { id: (await params).id }) };
}

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageSession();
  const { t } = await getTranslator();
  const { id: raw } = await params;
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) notFound();
  const p = await getProduct(await getDb(), id);
  if (!p) notFound();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/products" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("demo.products.title")}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">
        {t("demo.products.edit")} <span className="text-zinc-500">#{p.id}</span>
      </h1>
      <ProductForm
        categories={PRODUCT_CATEGORIES}
        initial={{
          name: p.name,
          price: formatCents(p.priceCents),
          category: p.category,
          status: p.status,
          stock: String(p.stock),
        }}
        save={updateProductAction.bind(null, p.id)}
      />
      <div className="border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <ConfirmButton
          danger
          label={t("demo.products.deleteOne")}
          question={t("demo.products.deleteOneQuestion", { name: p.name })}
          action={deleteProductsAction.bind(null, [p.id])}
          redirectTo="/products"
        />
      </div>
    </div>
  );
}
