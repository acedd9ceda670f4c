import { KeysBrowser } from "@/components/resque/keys-browser";
import { StatsTabs } from "@/components/resque/stats-panel";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { PER_PAGE_CHOICES } from "@/lib/dashboard/paging";
import { keysQueryFrom, readKeys } from "../data";
import { titled } from "../../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("stats.keys.title");

export default async function KeysPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  let initial;
  try {
    initial = await readKeys(keysQueryFrom((n) => [sp[n]].flat()[0]));
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return (
    <div className="space-y-4">
      <StatsTabs current="keys" />
      <h1 className="text-xl font-semibold">{t("stats.keys.title")}</h1>
      <KeysBrowser initial={initial} perPageChoices={PER_PAGE_CHOICES} />
    </div>
  );
}
