"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { destroySession, SESSION_COOKIE_NAME, sessionCookieOptions, signIn } from "@/lib/auth";
import { getDb, recordAudit } from "@/lib/db";
import { clientIp, crossSite, secureRequest } from "../auth";
import { getTranslator } from "../locale";
import { safeNextPath } from "@/lib/dashboard/url-path";

export interface SignInState {
  message?: string;
  email?: string;
}

/**
 * Throttled sign-in; the same message for an unknown email and a wrong password. A success ends
 * the session the browser presented (its row is deleted), starts a new one, and goes to the
 * form's `next` path when it is one of this site's (else the Overview).
 */
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const { t } = await getTranslator();
  if (await crossSite()) return { message: t("action.crossSite") };
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { message: t("signIn.missing"), email };
  const db = await getDb();
  const ip = await clientIp();
  const jar = await cookies();
  const res = await signIn(db, {
    email,
    password,
    ip,
    userAgent: (await headers()).get("user-agent") ?? undefined,
    presentedToken: jar.get(SESSION_COOKIE_NAME)?.value,
  });
  if (!res.ok) {
    const message =
      res.code === "throttled"
        ? t("signIn.throttled", { min: Math.max(1, Math.ceil((res.retryAfterSec ?? 60) / 60)) })
        : res.code === "invalid_credentials"
          ? t("signIn.wrong")
          : res.error;
    return { message, email };
  }
  jar.set(SESSION_COOKIE_NAME, res.token, sessionCookieOptions(await secureRequest()));
  await recordAudit(db, {
    actor: { id: res.admin.id, email: res.admin.email },
    action: "auth.sign-in",
    result: "ok",
    ip,
  });
  // Back to the page that sent the browser here: a path on this site only (never //host or a scheme).
  redirect(safeNextPath(String(form.get("next") ?? "")) ?? "/");
}

export async function signOutAction(): Promise<void> {
  // A cross-site page cannot sign anyone out either.
  if (await crossSite()) return;
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE_NAME)?.value;
  if (token) await destroySession(await getDb(), token);
  jar.delete(SESSION_COOKIE_NAME);
  redirect("/sign-in");
}
