import { Overview } from "@/components/resque/overview";
import { requirePageSession } from "../auth";
import { getTranslator } from "../locale";
import { readHistory, readRecentSamples, readStatus } from "../status-data";
import { RedisDown } from "../redis-down";
import { titled } from "../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("title.overview");

export default async function OverviewPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  let initial, initialHistory, recent;
  try {
    [initial, initialHistory, recent] = await Promise.all([readStatus(), readHistory(null), readRecentSamples()]);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("title.overview")}</h1>
      <Overview initial={initial} initialHistory={initialHistory} recentSamples={recent} />
    </div>
  );
}
