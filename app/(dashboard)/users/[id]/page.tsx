import Link from "@/components/link";
import { notFound } from "next/navigation";
import { NotificationItems } from "@/components/demo/notification-items";
import { Pager } from "@/components/resque/pager";
import { getDb, getUser, listNotifications } from "@/lib/db";
import { pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../../auth";
import { getTranslator } from "../../../locale";
import type { Metadata } from "next";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: t("title.user", { id: (await params).id }) };
}

/** One demo user and the notifications the jobs wrote for them, newest first. */
export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  await requirePageSession();
  const { locale, t } = await getTranslator();
  const { id: raw } = await params;
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) notFound();
  const db = await getDb();
  const user = await getUser(db, id);
  if (!user) notFound();
  const { page, perPage, choices } = pageParams(await searchParams);
  const list = await listNotifications(db, { type: "user", id }, { page, perPage });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/users" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("demo.users.title")}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">{user.name}</h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">ID</dt>
        <dd className="tabular-nums">{user.id}</dd>
        <dt className="text-zinc-500">{t("demo.users.email")}</dt>
        <dd>{user.email}</dd>
        <dt className="text-zinc-500">{t("demo.users.status")}</dt>
        <dd>{t(`demo.userStatus.${user.status}`)}</dd>
      </dl>
      <h2 className="text-lg font-semibold">
        {t("demo.notifications.title")}{" "}
        <span className="text-sm font-normal text-zinc-500">({list.total.toLocaleString("en")})</span>
      </h2>
      {list.total === 0 ? (
        <p className="text-zinc-500">{t("demo.notifications.empty")}</p>
      ) : (
        <>
          <NotificationItems locale={locale} items={list.items} nowMs={Date.now()} />
          <Pager t={t} path={`/users/${id}`} page={page} perPage={perPage} total={list.total} choices={choices} />
        </>
      )}
    </div>
  );
}
