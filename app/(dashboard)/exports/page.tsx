import { ExportsList } from "@/components/demo/exports-list";
import { one, PAGING_PARAMS, PER_PAGE_CHOICES, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../auth";
import { retryExportAction } from "./actions";
import { readExports } from "./data";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.exports.title");

export default async function ExportsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const sp = await searchParams;
  const query = new URLSearchParams();
  for (const k of PAGING_PARAMS) {
    const v = one(sp[k]);
    if (v) query.set(k, v);
  }
  const initial = await readExports(query);
  return <ExportsList initial={initial} choices={PER_PAGE_CHOICES} retry={retryExportAction} />;
}
