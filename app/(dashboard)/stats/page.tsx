import { StatsPanel, StatsTabs } from "@/components/resque/stats-panel";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import { readStatsData } from "./data";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("stats.title");

export default async function StatsPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  let initial;
  try {
    initial = await readStatsData();
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <div className="space-y-4">
      <StatsTabs current="info" />
      <StatsPanel initial={initial} />
    </div>
  );
}
