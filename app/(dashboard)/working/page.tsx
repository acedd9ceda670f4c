import { WorkingList } from "@/components/resque/working-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { readWorking } from "../../status-data";
import { one, pagingFrom, PER_PAGE_CHOICES } from "@/lib/dashboard/paging";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("stats.working.title");

export default async function WorkingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  const paging = pagingFrom((n) => one(sp[n]));
  let initial;
  try {
    initial = await readWorking(paging);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <WorkingList initial={initial} perPageChoices={PER_PAGE_CHOICES} />;
}
