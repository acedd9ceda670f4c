import { Overview } from "@/components/resque/overview";
import { requirePageSession } from "../auth";
import { getTranslator } from "../locale";
import { readStatus } from "../status-data";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  try {
    return <Overview initial={await readStatus()} locale={locale} />;
  } catch (e) {
    return (
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        {t("redis.down", { error: (e as Error).message })}
      </p>
    );
  }
}
