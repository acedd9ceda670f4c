import { AccountsList } from "@/components/accounts-list";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";
import { countAdmins, getDb, listAdminsPage } from "@/lib/db";
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
  const db = await getDb();
  const [accounts, adminCount] = await Promise.all([listAdminsPage(db, { page, perPage }), countAdmins(db, "admin")]);
  return (
    <AccountsList
      accounts={accounts}
      perPageChoices={choices}
      meId={session.admin.id}
      adminCount={adminCount}
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
