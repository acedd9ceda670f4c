"use server";

import {
  assertPasswordPolicy,
  changePassword,
  addAdmin,
  generatePassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from "@/lib/auth";
import { DataError, deleteAdmin, findAdminById, getDb, isRole, normalizeEmail, setAdminRole } from "@/lib/db";
import type { Translate } from "@/lib/i18n";
import { auditedAction } from "../../action";
import { getSession } from "../../auth";
import type { AccountResult, ActionResult, PasswordInput } from "@/lib/dashboard/action-result";

type Problem = { field: NonNullable<AccountResult["field"]>; message: string } | null;

function passwordProblem(t: Translate, input: PasswordInput): Problem {
  if (input?.generate === true) return null;
  const pw = input?.password;
  try {
    assertPasswordPolicy(pw as string);
    return null;
  } catch {
    const message =
      typeof pw === "string" && pw.length > MAX_PASSWORD_LENGTH
        ? t("accounts.passwordLong", { max: MAX_PASSWORD_LENGTH })
        : typeof pw === "string" && pw.length >= MIN_PASSWORD_LENGTH
          ? t("accounts.passwordBlank")
          : t("accounts.passwordShort", { min: MIN_PASSWORD_LENGTH });
    return { field: "password", message };
  }
}

function emailProblem(t: Translate, email: unknown): Problem {
  const e = typeof email === "string" ? email.trim() : "";
  if (!e) return { field: "email", message: t("accounts.emailMissing") };
  try {
    normalizeEmail(e);
    return null;
  } catch {
    return { field: "email", message: t("accounts.emailInvalid", { email: e.slice(0, 80) }) };
  }
}

const validId = (id: unknown): id is number => Number.isSafeInteger(id) && (id as number) > 0;

/** The account's email for the audit row's target (a read only: the role check still comes first in auditedAction). */
async function targetOf(id: unknown): Promise<string> {
  const found = validId(id) ? await findAdminById(await getDb(), id) : null;
  return found?.email ?? `#${String(id).slice(0, 40)}`;
}

/**
 * auditedAction answers `{ ok, message }`; the account forms also need which field was wrong and
 * the generated password. Both are kept here, beside the call, so the password never reaches the
 * audit log (which records the message only) and a refused call carries neither.
 */
async function accountAction(a: {
  action: string;
  target: string;
  problem: (t: Translate) => Problem;
  perform: (t: Translate, extra: Omit<AccountResult, keyof ActionResult>) => Promise<ActionResult>;
}): Promise<AccountResult> {
  const extra: Omit<AccountResult, keyof ActionResult> = {};
  const result = await auditedAction({
    action: a.action,
    target: a.target,
    validate: (t) => {
      const p = a.problem(t);
      if (p) extra.field = p.field;
      return p?.message ?? null;
    },
    perform: (t) => a.perform(t, extra),
    revalidate: ["/accounts"],
  });
  return { ...result, ...(result.ok ? { password: extra.password } : { field: extra.field }) };
}

export async function addAccountAction(input: { email: string; role: string } & PasswordInput): Promise<AccountResult> {
  const email = typeof input?.email === "string" ? input.email.trim().toLowerCase().slice(0, 300) : "";
  return accountAction({
    action: "account.add",
    target: email,
    problem: (t) =>
      emailProblem(t, email) ??
      (isRole(input?.role) ? null : { field: "role", message: t("accounts.badRole") }) ??
      passwordProblem(t, input),
    perform: async (t, extra) => {
      const password = input.generate === true ? generatePassword(20) : input.password!;
      try {
        const admin = await addAdmin(await getDb(), { email, password, role: input.role as "admin" | "viewer" });
        if (input.generate === true) extra.password = password;
        return { ok: true, message: t("accounts.added", { email: admin.email, role: t(`role.${admin.role}`) }) };
      } catch (e) {
        if (e instanceof DataError && e.code === "duplicate") {
          extra.field = "email";
          return { ok: false, message: t("accounts.duplicate", { email }) };
        }
        throw e;
      }
    },
  });
}

/** Role changes apply on the account's next request: the session reads the role every time. */
export async function setAccountRoleAction(id: number, role: string): Promise<AccountResult> {
  return accountAction({
    action: "account.set_role",
    target: await targetOf(id),
    problem: (t) =>
      !validId(id)
        ? { field: "role", message: t("accounts.badId") }
        : isRole(role)
          ? null
          : { field: "role", message: t("accounts.badRole") },
    perform: async (t) => {
      try {
        const admin = await setAdminRole(await getDb(), id, role as "admin" | "viewer");
        return { ok: true, message: t("accounts.roleSet", { email: admin.email, role: t(`role.${admin.role}`) }) };
      } catch (e) {
        return dataErrorResult(t, e, id);
      }
    },
  });
}

/** Sets a new password and ends the account's sessions (except the caller's own, when it is theirs). */
export async function resetAccountPasswordAction(id: number, input: PasswordInput): Promise<AccountResult> {
  return accountAction({
    action: "account.reset_password",
    target: await targetOf(id),
    problem: (t) => (!validId(id) ? { field: "password", message: t("accounts.badId") } : passwordProblem(t, input)),
    perform: async (t, extra) => {
      const db = await getDb();
      const admin = await findAdminById(db, id);
      if (!admin) return { ok: false, message: t("accounts.notFound") };
      const password = input.generate === true ? generatePassword(20) : input.password!;
      const me = await getSession();
      await changePassword(db, id, password, { keepSessionId: me?.admin.id === id ? me.sessionId : undefined });
      if (input.generate === true) extra.password = password;
      return { ok: true, message: t("accounts.passwordReset", { email: admin.email }) };
    },
  });
}

/** Deletes the account; its sessions go with it (foreign key cascade), so it is signed out at once. */
export async function removeAccountAction(id: number): Promise<AccountResult> {
  return accountAction({
    action: "account.remove",
    target: await targetOf(id),
    problem: (t) => (validId(id) ? null : { field: "email", message: t("accounts.badId") }),
    perform: async (t) => {
      const me = await getSession();
      if (me?.admin.id === id) return { ok: false, message: t("accounts.notYourself") };
      try {
        const admin = await deleteAdmin(await getDb(), id);
        return { ok: true, message: t("accounts.removed", { email: admin.email }) };
      } catch (e) {
        return dataErrorResult(t, e, id);
      }
    },
  });
}

async function dataErrorResult(t: Translate, e: unknown, id: number): Promise<ActionResult> {
  if (!(e instanceof DataError)) throw e;
  if (e.code === "last_admin") return { ok: false, message: t("accounts.lastAdmin", { email: await targetOf(id) }) };
  if (e.code === "not_found") return { ok: false, message: t("accounts.notFound") };
  throw e;
}
