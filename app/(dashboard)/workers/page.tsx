import { WorkersList } from "@/components/resque/workers-list";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { readWorkers } from "../../status-data";
import { pruneWorkerAction } from "./actions";
import { RedisDown } from "../../redis-down";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("workers.title");

export default async function WorkersPage() {
  await requirePageSession();
  const { t } = await getTranslator();
  let initial;
  try {
    initial = await readWorkers();
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <WorkersList initial={initial} prune={pruneWorkerAction} />;
}
