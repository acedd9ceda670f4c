import { QueuesList } from "@/components/resque/queues-list";
import { redactUrl, redisUrlFromEnv } from "@/lib/redis";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { pauseAllWorkersAction, pauseQueueAction, resumeAllWorkersAction, resumeQueueAction } from "./actions";
import { readQueues } from "./data";

export const dynamic = "force-dynamic";

export default async function QueuesPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  let initial;
  try {
    initial = await readQueues();
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
  return (
    <QueuesList
      initial={initial}
      locale={locale}
      actions={{ pause: pauseQueueAction, resume: resumeQueueAction, pauseAll: pauseAllWorkersAction, resumeAll: resumeAllWorkersAction }}
    />
  );
}
