import { KeyValueView } from "@/components/resque/keys-value";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { RedisDown } from "../../../redis-down";
import { PER_PAGE_CHOICES } from "@/lib/dashboard/paging";
import { keyValueQueryFrom, readKeyValue } from "../data";
import type { Metadata } from "next";

export const dynamic = "force-dynamic";

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}): Promise<Metadata> {
  const { t } = await getTranslator();
  const key = [(await searchParams).key].flat()[0] ?? "";
  return { title: t("title.key", { key }) };
}

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
