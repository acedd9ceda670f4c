import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { getConnection } from "@/lib/redis";
import { getPauseState, InvalidQueueNameError, listQueueNames, peekQueue, assertQueueName } from "@/lib/resque/index";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";
import { RedisDown } from "../../../redis-down";

export const dynamic = "force-dynamic";

const PER_PAGE = [20, 50, 100];

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
    assertQueueName(name);
  } catch (e) {
    if (e instanceof InvalidQueueNameError || e instanceof URIError) notFound();
    throw e;
  }
  const sp = await searchParams;
  const perPageAsked = Number(one(sp.per));
  const perPage = PER_PAGE.includes(perPageAsked) ? perPageAsked : 20;
  const pageAsked = Math.floor(Number(one(sp.page)));
  const page = Number.isFinite(pageAsked) && pageAsked >= 1 ? pageAsked : 1;

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
      perPageChoices={PER_PAGE}
      actions={{
        resume: resumeQueueAction.bind(null, name),
        clear: clearQueueAction.bind(null, name),
        removeQueue: removeQueueAction.bind(null, name),
        removeJob: removeQueuedJobAction.bind(null, name),
      }}
    />
  );
}
