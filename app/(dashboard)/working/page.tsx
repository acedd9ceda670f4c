import { WorkingList } from "@/components/resque/working-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { pagingFrom, PER_PAGE_CHOICES, readWorking } from "../../status-data";

export const dynamic = "force-dynamic";

export default async function WorkingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  const sp = await searchParams;
  const paging = pagingFrom((n) => [sp[n]].flat()[0]);
  let initial;
  try {
    initial = await readWorking(paging);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <WorkingList initial={initial} locale={locale} perPageChoices={PER_PAGE_CHOICES} />;
}
