import { WorkersList } from "@/components/resque/workers-list";
import { redactUrl, redisUrlFromEnv } from "@/lib/redis";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { readStatus } from "../../status-data";
import { pruneWorkerAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function WorkersPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  let initial;
  try {
    const s = await readStatus();
    initial = { workers: s.workers, redisTimeMs: s.stats.redisTimeMs };
  } catch (e) {
    return (
      <div role="alert" className="space-y-2 rounded border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        <p>{t("redis.down", { url: redactUrl(redisUrlFromEnv()) })}</p>
        <details className="text-sm opacity-80">
          <summary>{t("redis.details")}</summary>
          <p className="font-mono">{(e as Error).message}</p>
        </details>
      </div>
    );
  }
  return <WorkersList initial={initial} locale={locale} prune={pruneWorkerAction} />;
}
