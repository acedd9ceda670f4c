import { SchedulesList } from "@/components/resque/schedules-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { PER_PAGE_CHOICES, pagingFrom } from "@/lib/dashboard/paging";
import { deleteScheduleAction, runScheduleNowAction, setScheduleEnabledAction } from "./actions";
import { readSchedules } from "./data";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("schedules.title");

export default async function SchedulesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  const one = (k: string) => [sp[k]].flat()[0];
  let initial;
  try {
    initial = await readSchedules(pagingFrom(one));
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  // "Saved" only for a schedule that is there: the URL alone must not make the page claim it.
  const savedName = one("saved");
  const saved = savedName && initial.schedules.items.some((s) => s.name === savedName) ? savedName : null;
  return (
    <SchedulesList
      initial={initial}
      perPageChoices={PER_PAGE_CHOICES}
      saved={saved}
      actions={{ run: runScheduleNowAction, setEnabled: setScheduleEnabledAction, remove: deleteScheduleAction }}
    />
  );
}
