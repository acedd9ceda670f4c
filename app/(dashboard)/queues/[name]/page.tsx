import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";
import { readQueueJobs } from "../data";
import { RedisDown } from "../../../redis-down";
import { one, pagingFrom, PER_PAGE_CHOICES, type SearchParams } from "@/lib/dashboard/paging";

export const dynamic = "force-dynamic";

export default async function QueuePage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<SearchParams>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
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
    initial = await readQueueJobs(
      name,
      pagingFrom((n) => one(sp[n])),
      one(sp.q),
    );
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (!initial) notFound();
  return (
    <QueueJobs
      initial={initial}
      perPageChoices={PER_PAGE_CHOICES}
      actions={{
        resume: resumeQueueAction.bind(null, name),
        clear: clearQueueAction.bind(null, name),
        removeQueue: removeQueueAction.bind(null, name),
        removeJob: removeQueuedJobAction.bind(null, name),
      }}
    />
  );
}
