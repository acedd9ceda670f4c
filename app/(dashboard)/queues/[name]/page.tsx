import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";
import { QUEUE_PER_PAGE, queuePageParams, readQueueJobs } from "../data";
import { RedisDown } from "../../../redis-down";

export const dynamic = "force-dynamic";

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export default async function QueuePage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  const { name: encoded } = await params;
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch (e) {
    if (e instanceof URIError) notFound();
    throw e;
  }
  const sp = await searchParams;
  let initial;
  try {
    initial = await readQueueJobs(name, queuePageParams(one(sp.page), one(sp.per)));
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (!initial) notFound();
  return (
    <QueueJobs
      locale={locale}
      initial={initial}
      perPageChoices={QUEUE_PER_PAGE}
      actions={{
        resume: resumeQueueAction.bind(null, name),
        clear: clearQueueAction.bind(null, name),
        removeQueue: removeQueueAction.bind(null, name),
        removeJob: removeQueuedJobAction.bind(null, name),
      }}
    />
  );
}
