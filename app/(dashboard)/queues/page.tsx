import { QueuesList } from "@/components/resque/queues-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { pauseAllWorkersAction, pauseQueueAction, resumeAllWorkersAction, resumeQueueAction } from "./actions";
import { readQueues } from "./data";
import { RedisDown } from "../../redis-down";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("queues.title");

export default async function QueuesPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  let initial;
  try {
    initial = await readQueues();
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <QueuesList
      initial={initial}
      actions={{
        pause: pauseQueueAction,
        resume: resumeQueueAction,
        pauseAll: pauseAllWorkersAction,
        resumeAll: resumeAllWorkersAction,
      }}
    />
  );
}
