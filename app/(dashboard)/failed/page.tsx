import { FailedGroups } from "@/components/resque/failed-groups";
import { FailedList } from "@/components/resque/failed-list";
import { failedSearch, fromSearchParams, parseFailedQuery } from "@/lib/dashboard/failed-query";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { RedisDown } from "../../redis-down";
import {
  clearFailedAction,
  removeAllFailedAction,
  removeFailedAction,
  retryAllFailedAction,
  retryFailedAction,
} from "./actions";
import { readFailedGroups, readFailedList } from "./data";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("failed.title");

const actions = {
  retry: retryFailedAction,
  remove: removeFailedAction,
  retryAll: retryAllFailedAction,
  removeAll: removeAllFailedAction,
  clear: clearFailedAction,
};

export default async function FailedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const query = parseFailedQuery(fromSearchParams(await searchParams));
  // key: another URL starts with a fresh selection and fresh answers.
  const key = failedSearch(query);
  // The read alone is guarded: a render error belongs to the segment's error boundary, not to "Redis is down".
  let read;
  try {
    read =
      query.view === "groups"
        ? ({ view: "groups", data: await readFailedGroups(query) } as const)
        : ({ view: "list", data: await readFailedList(query) } as const);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (read.view === "groups") return <FailedGroups key={key} initial={read.data} query={query} />;
  return <FailedList key={key} initial={read.data} query={query} actions={actions} />;
}
