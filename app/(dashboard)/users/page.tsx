import { UsersList } from "@/components/demo/users-list";
import { getDb, listUsers } from "@/lib/db";
import { one, pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../auth";
import { sendEmailAction, sendNotificationAction } from "./actions";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.users.title");

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const sp = await searchParams;
  const { page, perPage, choices } = pageParams(sp);
  const q = (one(sp.q) ?? "").slice(0, 100);
  const users = await listUsers(await getDb(), { q, page, perPage });
  return (
    <UsersList
      q={q}
      users={users}
      choices={choices}
      actions={{ notify: sendNotificationAction, email: sendEmailAction }}
    />
  );
}
