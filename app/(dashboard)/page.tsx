import { Overview } from "@/components/resque/overview";
import { requirePageSession } from "../auth";
import { getTranslator } from "../locale";
import { readHistory, readRecentSamples, readStatus } from "../status-data";
import { RedisDown } from "../redis-down";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  let initial, initialHistory, recent;
  try {
    [initial, initialHistory, recent] = await Promise.all([readStatus(), readHistory(null), readRecentSamples()]);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <Overview initial={initial} initialHistory={initialHistory} recentSamples={recent} />;
}
