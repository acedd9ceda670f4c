import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WorkerDetail } from "@/components/resque/worker-detail";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { readWorker } from "../../../status-data";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  const { id } = await params;
  let name = id;
  try {
    name = decodeURIComponent(id);
  } catch {
    // a malformed escape: the page itself answers 404; the title keeps the raw segment
  }
  return { title: t("title.worker", { id: name }) };
}

/**
 * One worker, by its full id as the URL segment. A page's params arrive still percent-encoded
 * (route handlers' arrive decoded), so it is decoded once here; the id is never parsed to find it.
 */
export default async function WorkerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageSession();
  const { t } = await getTranslator();
  const { id: encoded } = await params;
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch (e) {
    if (e instanceof URIError) notFound();
    throw e;
  }
  let initial;
  try {
    initial = await readWorker(id);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (!initial) notFound();
  return <WorkerDetail initial={initial} />;
}
