import { Overview } from "@/components/resque/overview";
import { requirePageSession } from "../auth";
import { getTranslator } from "../locale";
import { readStatus } from "../status-data";
import { RedisDown } from "../redis-down";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  try {
    return <Overview initial={await readStatus()} locale={locale} />;
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
}
