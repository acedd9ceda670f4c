import Link from "@/components/link";
import { notFound } from "next/navigation";
import { ScheduleFormView } from "@/components/resque/schedules-form";
import { requirePageSession } from "../../../../auth";
import { getTranslator } from "../../../../locale";
import { RedisDown } from "../../../../redis-down";
import { saveScheduleAction } from "../../actions";
import { readScheduleForm } from "../../data";
import type { Metadata } from "next";
import { jobRegistry } from "@/lib/dashboard/job-registry";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  const { name } = await params;
  return { title: t("schedules.form.editTitle", { name: decodeSegment(name) ?? name }) };
}

/** The route segment as the name it encodes, or null for a malformed escape (a 404). */
function decodeSegment(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

export default async function EditSchedulePage({ params }: { params: Promise<{ name: string }> }) {
  await requirePageSession();
  const { t } = await getTranslator();
  const name = decodeSegment((await params).name);
  if (name === null) notFound();
  let found;
  try {
    found = await readScheduleForm(name);
  } catch (e) {
    return <RedisDown t={t} error={e} />;
  }
  if (!found) notFound();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/schedules" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("schedules.form.back")}
        </Link>
      </p>
      <h1 className="break-all text-xl font-semibold">{t("schedules.form.editTitle", { name })}</h1>
      {found.legacy ? (
        <p
          role="note"
          className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {t("schedules.form.legacy")}
        </p>
      ) : (
        <ScheduleFormView
          mode="edit"
          initial={found.form}
          save={saveScheduleAction.bind(null, "edit")}
          knownClasses={jobRegistry().names()}
        />
      )}
    </div>
  );
}
