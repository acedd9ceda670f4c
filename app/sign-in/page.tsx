import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { getSession } from "../auth";
import { getTranslator } from "../locale";
import { signInAction } from "./actions";
import { titled } from "../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("signIn.title");

export default async function SignInPage() {
  if (await getSession()) redirect("/");
  const { t } = await getTranslator();
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-6">
      <h1 className="text-xl font-semibold">{t("signIn.title")}</h1>
      <SignInForm
        action={signInAction}
        labels={{ email: t("signIn.email"), password: t("signIn.password"), submit: t("signIn.submit") }}
      />
    </div>
  );
}
