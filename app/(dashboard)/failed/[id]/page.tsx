import { FailedDetail } from "@/components/resque/failed-detail";
import { fromSearchParams, parseFailedQuery } from "@/lib/dashboard/failed-query";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { removeFailedAction, retryFailedAction } from "../actions";
import { readFailedOne } from "../data";
import { titled } from "../../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("title.failedJob");

/** One failure at its own URL; a gone one (retried, removed, or a made-up id) says so and links back. */
export default async function FailedJobPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  let data;
  try {
    data = await readFailedOne(id, parseFailedQuery(fromSearchParams(sp)).list);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <FailedDetail data={data} actions={{ retry: retryFailedAction, remove: removeFailedAction }} />;
}
