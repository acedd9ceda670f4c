"use server";

import { z } from "zod";
import {
  addAdmin,
  assertPasswordPolicy,
  changePassword,
  generatePassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from "@/lib/auth";
import type { AccountResult } from "@/lib/dashboard/action-result";
import { DataError, deleteAdmin, findAdminById, getDb, isRole, normalizeEmail, setAdminRole } from "@/lib/db";
import type { Translate } from "@/lib/i18n";
import { answering, refuse, withField, type Answer } from "../../action";

type Field = NonNullable<AccountResult["field"]>;

/** Anything but a plain object reads as an empty form. */
const formObject = (o: unknown) => (typeof o === "object" && o !== null && !Array.isArray(o) ? o : {});

/** An account id; a bad one is said beside `field`, the input the form shows answers next to. */
const accountId = (field: Field) =>
  z.custom<number>((id) => Number.isSafeInteger(id) && (id as number) > 0, {
    error: "accounts.badId",
    params: { field },
  });

const role = z.custom<"admin" | "viewer">(isRole, { error: "accounts.badRole", params: { field: "role" } });

/** Trimmed and lower-cased (a missing one is empty); must be an address normalizeEmail accepts. */
const email = z
  .string()
  .catch("")
  .transform((e) => e.trim().toLowerCase().slice(0, 300))
  .superRefine((e, ctx) => {
    if (!e) return void ctx.addIssue(refuse("accounts.emailMissing", {}, "email"));
    try {
      normalizeEmail(e);
    } catch {
      ctx.addIssue(refuse("accounts.emailInvalid", { email: e.slice(0, 80) }, "email"));
    }
  });

/** The password policy's refusal, worded by what is wrong with it. */
function passwordRefusal(pw: unknown): ReturnType<typeof refuse> | null {
  try {
    assertPasswordPolicy(pw as string);
    return null;
  } catch {
    const length = typeof pw === "string" ? pw.length : 0;
    return length > MAX_PASSWORD_LENGTH
      ? refuse("accounts.passwordLong", { max: MAX_PASSWORD_LENGTH }, "password")
      : length >= MIN_PASSWORD_LENGTH
        ? refuse("accounts.passwordBlank", {}, "password")
        : refuse("accounts.passwordShort", { min: MIN_PASSWORD_LENGTH }, "password");
  }
}

/** A typed password that meets the policy, or `generate: true` (one is made up and shown once). */
const passwordFields = {
  password: z.unknown().optional(),
  generate: z
    .unknown()
    .optional()
    .transform((g) => g === true),
};
function checkPassword(v: { password?: unknown; generate: boolean }, ctx: z.RefinementCtx): void {
  const problem = v.generate ? null : passwordRefusal(v.password);
  if (problem) ctx.addIssue(problem);
}
const passwordChoice = z.preprocess(formObject, z.object(passwordFields).superRefine(checkPassword));

/** The password to set: the typed one, or a generated one. */
const passwordOf = (p: { password?: unknown; generate: boolean }) =>
  p.generate ? generatePassword(20) : (p.password as string);

/** The account's email for the audit row's target (a read only: the role check still comes first). */
async function targetOf(id: number): Promise<string> {
  return (await findAdminById(await getDb(), id))?.email ?? `#${id}`;
}

/** The data layer's refusals: the last admin stays, a vanished account is said. */
async function dataErrorAnswer(t: Translate, e: unknown, id: number): Promise<Answer<AccountResult>> {
  if (!(e instanceof DataError)) throw e;
  if (e.code === "last_admin")
    return { code: "conflict", message: t("accounts.lastAdmin", { email: await targetOf(id) }) };
  if (e.code === "not_found") return { code: "stale", message: t("accounts.notFound") };
  throw e;
}

/**
 * Adds an account. The answer names the field a bad value came from, and carries a generated
 * password once (the audit log records the sentence only).
 */
export const addAccountAction = answering<AccountResult>()({
  action: "account.add",
  invalid: withField,
  input: z.tuple([z.preprocess(formObject, z.object({ email, role, ...passwordFields }).superRefine(checkPassword))]),
  audit: ([a]) => ({ target: a.email }),
  perform: async ([a], { t }) => {
    const password = passwordOf(a);
    try {
      const admin = await addAdmin(await getDb(), { email: a.email, password, role: a.role });
      const message = t("accounts.added", { email: admin.email, role: t(`role.${admin.role}`) });
      return a.generate ? { code: "ok", message, password } : { code: "ok", message };
    } catch (e) {
      if (e instanceof DataError && e.code === "duplicate")
        return { code: "conflict", message: t("accounts.duplicate", { email: a.email }), field: "email" };
      throw e;
    }
  },
});

/** Role changes apply on the account's next request: the session reads the role every time. */
export const setAccountRoleAction = answering<AccountResult>()({
  action: "account.set_role",
  invalid: withField,
  input: z.tuple([accountId("role"), role]),
  audit: async ([id]) => ({ target: await targetOf(id) }),
  perform: async ([id, role], { t }) => {
    try {
      const admin = await setAdminRole(await getDb(), id, role);
      return { code: "ok", message: t("accounts.roleSet", { email: admin.email, role: t(`role.${admin.role}`) }) };
    } catch (e) {
      return dataErrorAnswer(t, e, id);
    }
  },
});

/** Sets a new password and ends the account's sessions (except the caller's own, when it is theirs). */
export const resetAccountPasswordAction = answering<AccountResult>()({
  action: "account.reset_password",
  invalid: withField,
  input: z.tuple([accountId("password"), passwordChoice]),
  audit: async ([id]) => ({ target: await targetOf(id) }),
  perform: async ([id, choice], { t, session }) => {
    const db = await getDb();
    const admin = await findAdminById(db, id);
    if (!admin) return { code: "stale", message: t("accounts.notFound") };
    const password = passwordOf(choice);
    await changePassword(db, id, password, {
      keepSessionId: session.admin.id === id ? session.sessionId : undefined,
    });
    const message = t("accounts.passwordReset", { email: admin.email });
    return choice.generate ? { code: "ok", message, password } : { code: "ok", message };
  },
});

/** Deletes the account; its sessions go with it (foreign key cascade), so it is signed out at once. */
export const removeAccountAction = answering<AccountResult>()({
  action: "account.remove",
  invalid: withField,
  input: z.tuple([accountId("email")]),
  audit: async ([id]) => ({ target: await targetOf(id) }),
  perform: async ([id], { t, session }) => {
    if (session.admin.id === id) return { code: "conflict", message: t("accounts.notYourself") };
    try {
      const admin = await deleteAdmin(await getDb(), id);
      return { code: "ok", message: t("accounts.removed", { email: admin.email }) };
    } catch (e) {
      return dataErrorAnswer(t, e, id);
    }
  },
});
