import { StatsPanel, StatsTabs } from "@/components/resque/stats-panel";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { readStatsData } from "./data";

export const dynamic = "force-dynamic";

export default async function StatsPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  let initial;
  try {
    initial = await readStatsData();
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <div className="space-y-4">
      <StatsTabs locale={locale} current="info" />
      <StatsPanel initial={initial} locale={locale} />
    </div>
  );
}
