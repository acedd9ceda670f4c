import Link from "@/components/link";
import { ScheduleFormView } from "@/components/resque/schedules-form";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import { saveScheduleAction } from "../actions";
import { titled } from "../../../page-title";
import { jobRegistry } from "@/lib/dashboard/job-registry";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("schedules.form.newTitle");

export default async function NewSchedulePage() {
  await requirePageSession();
  const { t } = await getTranslator();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/schedules" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("schedules.form.back")}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">{t("schedules.form.newTitle")}</h1>
      <ScheduleFormView
        mode="create"
        save={saveScheduleAction.bind(null, "create")}
        knownClasses={jobRegistry().names()}
      />
    </div>
  );
}
