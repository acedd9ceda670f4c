import { WorkersList } from "@/components/resque/workers-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { readStatus } from "../../status-data";
import { pruneWorkerAction } from "./actions";
import { RedisDown } from "../../redis-down";

export const dynamic = "force-dynamic";

export default async function WorkersPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  let initial;
  try {
    const s = await readStatus();
    initial = { workers: s.workers, redisTimeMs: s.stats.redisTimeMs };
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <WorkersList initial={initial} locale={locale} prune={pruneWorkerAction} />;
}
