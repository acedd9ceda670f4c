import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/resque/queues-jobs";
import { getConnection, redactUrl, redisUrlFromEnv } from "@/lib/redis";
import { getPauseState, InvalidQueueNameError, listQueueNames, peekQueue, assertQueueName } from "@/lib/resque/index";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { clearQueueAction, removeQueueAction, removeQueuedJobAction, resumeQueueAction } from "../actions";

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
