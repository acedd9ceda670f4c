import { DelayedList } from "@/components/resque/delayed-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { clearDelayedAction } from "./actions";
import { readDelayed } from "./data";
import { PER_PAGE_CHOICES, pagingFrom } from "@/lib/dashboard/paging";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("delayed.title");

export default async function DelayedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  const paging = pagingFrom((k) => [sp[k]].flat()[0]);
  let initial;
  try {
    initial = await readDelayed(paging, [sp.q].flat()[0]);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <DelayedList initial={initial} perPageChoices={PER_PAGE_CHOICES} clearAll={clearDelayedAction} />;
}
