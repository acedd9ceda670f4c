import { notFound } from "next/navigation";
import { DelayedItems } from "@/components/resque/delayed-items";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { enqueueDelayedNowAction, removeDelayedAction, rescheduleDelayedAction } from "../actions";
import { parseTimestamp, readDelayedItems } from "../data";
import { PER_PAGE_CHOICES, pagingFrom } from "@/lib/dashboard/paging";
import type { Metadata } from "next";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ timestamp: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  const timestamp = parseTimestamp((await params).timestamp);
  // UTC like the timestamps list the page is reached from; a bad one is the 404's business.
  const at =
    timestamp === null ? "?" : new Date(timestamp * 1000).toISOString().slice(0, 19).replace("T", " ") + " UTC";
  return { title: t("title.delayedAt", { at }) };
}

/**
 * The jobs due at one timestamp. A timestamp with no jobs left is not a 404: after "enqueue now"
 * on its last job the page says the jobs were enqueued or removed.
 */
export default async function DelayedTimestampPage({
  params,
  searchParams,
}: {
  params: Promise<{ timestamp: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const timestamp = parseTimestamp((await params).timestamp);
  if (timestamp === null) notFound();
  const sp = await searchParams;
  let initial;
  try {
    initial = await readDelayedItems(
      timestamp,
      pagingFrom((k) => [sp[k]].flat()[0]),
    );
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <DelayedItems
      initial={initial}
      perPageChoices={PER_PAGE_CHOICES}
      actions={{
        enqueueNow: enqueueDelayedNowAction.bind(null, timestamp),
        remove: removeDelayedAction.bind(null, timestamp),
        reschedule: rescheduleDelayedAction.bind(null, timestamp),
      }}
    />
  );
}
