import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";
import { readQueueJobs } from "../data";
import { RedisDown } from "../../../redis-down";
import { one, pagingFrom, PER_PAGE_CHOICES, type SearchParams } from "@/lib/dashboard/paging";
import type { Metadata } from "next";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  const { name } = await params;
  return { title: t("title.queue", { name: decodeSegment(name) ?? name }) };
}

/** The route segment as the name it encodes, or null for a malformed escape (a 404). */
function decodeSegment(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch (e) {
    if (e instanceof URIError) return null;
    throw e;
  }
}

export default async function QueuePage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<SearchParams>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const name = decodeSegment((await params).name);
  if (name === null) notFound();
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
