import { AccountsList } from "@/components/accounts-list";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";
import { getDb, listAdminsPage } from "@/lib/db";
import { requirePageSession } from "../../auth";
import { pageParams } from "@/lib/dashboard/paging";
import { addAccountAction, removeAccountAction, resetAccountPasswordAction, setAccountRoleAction } from "./actions";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("accounts.title");

/** Every signed-in account may read the list; the actions refuse viewers on the server. */
export default async function AccountsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requirePageSession();
  const { page, perPage, choices } = pageParams(await searchParams);
  const accounts = await listAdminsPage(await getDb(), { page, perPage });
  return (
    <AccountsList
      accounts={accounts}
      perPageChoices={choices}
      meId={session.admin.id}
      nowMs={Date.now()}
      minPasswordLength={MIN_PASSWORD_LENGTH}
      actions={{
        add: addAccountAction,
        setRole: setAccountRoleAction,
        resetPassword: resetAccountPasswordAction,
        remove: removeAccountAction,
      }}
    />
  );
}
