import { KeyValueView } from "@/components/resque/keys-value";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { PER_PAGE_CHOICES } from "@/lib/dashboard/paging";
import { keyValueQueryFrom, readKeyValue } from "../data";

export const dynamic = "force-dynamic";

export default async function KeyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  let initial;
  try {
    initial = await readKeyValue(keyValueQueryFrom((n) => [sp[n]].flat()[0]));
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  return <KeyValueView initial={initial} perPageChoices={PER_PAGE_CHOICES} />;
}
