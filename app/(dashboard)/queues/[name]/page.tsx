import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { getConnection } from "@/lib/redis";
import { getPauseState, InvalidQueueNameError, listQueueNames, peekQueue, assertQueueName } from "@/lib/resque/index";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";
import { RedisDown } from "../../../redis-down";
import { pageParams, type SearchParams } from "@/lib/page-params";

export const dynamic = "force-dynamic";

export default async function QueuePage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  const { name: encoded } = await params;
  let name: string;
  try {
    name = decodeURIComponent(encoded);
    assertQueueName(name);
  } catch (e) {
    if (e instanceof InvalidQueueNameError || e instanceof URIError) notFound();
    throw e;
  }
  const { page, perPage, choices } = pageParams(await searchParams);

  let data;
  try {
    const conn = getConnection();
    const names = await listQueueNames(conn);
    if (names.includes(name)) {
      const [jobs, pause] = await Promise.all([peekQueue(conn, name, { page, perPage }), getPauseState(conn)]);
      data = { jobs, paused: pause.queues.includes(name) };
    }
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (!data) notFound();
  return (
    <QueueJobs
      locale={locale}
      queue={name}
      paused={data.paused}
      jobs={data.jobs}
      perPageChoices={choices}
      actions={{
        resume: resumeQueueAction.bind(null, name),
        clear: clearQueueAction.bind(null, name),
        removeQueue: removeQueueAction.bind(null, name),
        removeJob: removeQueuedJobAction.bind(null, name),
      }}
    />
  );
}
