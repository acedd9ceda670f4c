import { NotificationItems } from "@/components/demo/notification-items";
import { Pager } from "@/components/resque/pager";
import { pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { readAdminNotifications } from "./data";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.notifications.title");

/** Every notification of the signed-in admin, newest first (the bell shows the latest ten). */
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const session = await requirePageSession();
  const { locale, t } = await getTranslator();
  const { page, perPage, choices } = pageParams(await searchParams);
  const list = await readAdminNotifications(session.admin.id, { page, perPage });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("demo.notifications.title")}</h1>
      {list.total === 0 ? (
        <p className="text-zinc-500">{t("demo.notifications.empty")}</p>
      ) : (
        <>
          <NotificationItems locale={locale} items={list.items} nowMs={Date.now()} />
          <Pager t={t} path="/notifications" page={page} perPage={perPage} total={list.total} choices={choices} />
        </>
      )}
    </div>
  );
}
