import { ProductsList } from "@/components/demo/products-list";
import {
  getDb,
  listProducts,
  parseProductFilter,
  PRODUCT_CATEGORIES,
  productFilterToParams,
  type ProductFilter,
} from "@/lib/db";
import { pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { deleteProductsAction, exportProductsAction } from "./actions";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.products.title");

export default async function ProductsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  const { page, perPage, choices } = pageParams(sp);
  const parsed = parseProductFilter(sp as Record<string, unknown>);
  // A malformed filter is named beside its field and the list shows everything meanwhile.
  const filter: ProductFilter = parsed.ok ? parsed.value : {};
  const errors: Record<string, string> = {};
  if (!parsed.ok) for (const [field, p] of Object.entries(parsed.fieldErrors)) errors[field] = t(p!.key, p!.values);
  const products = await listProducts(await getDb(), { ...filter, page, perPage });
  const raw: Record<string, string> = {};
  for (const k of ["q", "category", "status", "priceMin", "priceMax", "sort"]) {
    const v = sp[k];
    if (typeof v === "string") raw[k] = v;
  }
  return (
    <ProductsList
      products={products}
      params={parsed.ok ? productFilterToParams(filter) : {}}
      form={raw}
      errors={errors}
      categories={PRODUCT_CATEGORIES}
      choices={choices}
      actions={{ remove: deleteProductsAction, exportCsv: exportProductsAction }}
    />
  );
}
