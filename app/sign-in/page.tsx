import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { getSession } from "../auth";
import { getTranslator } from "../locale";
import { signInAction } from "./actions";
import { titled } from "../page-title";
import { one, type SearchParams } from "@/lib/dashboard/paging";
import { safeNextPath } from "@/lib/dashboard/url-path";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("signIn.title");

/** Sign-in; `?next=` (a path on this site, checked by safeNextPath) is where a success goes. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const next = safeNextPath(one((await searchParams).next));
  if (await getSession()) redirect(next ?? "/");
  const { t } = await getTranslator();
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-6">
      <h1 className="text-xl font-semibold">{t("signIn.title")}</h1>
      {next && (
        <p className="break-all text-sm text-zinc-600 dark:text-zinc-400" data-sign-in-next>
          {t("ux.signIn.continue", { path: next })}
        </p>
      )}
      <SignInForm
        action={signInAction}
        next={next ?? undefined}
        labels={{ email: t("signIn.email"), password: t("signIn.password"), submit: t("signIn.submit") }}
      />
    </div>
  );
}
