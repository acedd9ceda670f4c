import Link from "@/components/link";
import { ProductForm } from "@/components/demo/product-form";
import { PRODUCT_CATEGORIES } from "@/lib/db";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { createProductAction } from "../actions";
import { titled } from "../../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.products.new");

export default async function NewProductPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/products" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("demo.products.title")}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">{t("demo.products.new")}</h1>
      <ProductForm
        categories={PRODUCT_CATEGORIES}
        initial={{ name: "", price: "", category: "", status: "active", stock: "0" }}
        save={createProductAction}
        afterCreate
      />
    </div>
  );
}
