import { getDb, listExports, type ExportPage } from "@/lib/db";
import { pagingFrom } from "@/lib/dashboard/paging";

/** One page of exports, newest first: what the Exports page draws and /api/exports answers. */
export async function readExports(query: URLSearchParams): Promise<ExportPage> {
  return listExports(
    await getDb(),
    pagingFrom((n) => query.get(n)),
  );
}
