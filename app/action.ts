import { revalidatePath } from "next/cache";
import { getDb, recordAudit, type AuditActor, type AuditResult } from "@/lib/db";
import type { Translate } from "@/lib/i18n";
import { clientIp, getSession } from "./auth";
import { getTranslator } from "./locale";
import { forgetSharedReads } from "./json-route";
import { can } from "@/lib/auth";
import type { ActionResult } from "@/lib/dashboard/action-result";

export interface AuditedAction {
  /** Dotted lower_snake name for the audit log: `failed.retry`, `queue.clear`. */
  action: string;
  /** The one thing acted on (a queue name, a worker id), when there is one. */
  target?: string | null;
  /** The ids or names acted on. */
  items?: readonly (string | number)[];
  /** Answers a message for bad input (nothing is done, nothing audited), or null when it is fine. */
  validate?: (t: Translate) => string | null;
  perform: (t: Translate) => Promise<ActionResult & { partial?: boolean }>;
  /** Paths whose server-drawn data the change makes stale. */
  revalidate?: string[];
}

/**
 * The one shape of every dashboard mutation, Sidekiq-route style: check the session on the server
 * (a viewer or an anonymous replay is refused and the refusal is audited as `denied`), validate,
 * make the change, audit what happened with its result, revalidate, and answer with a sentence.
 * Hiding a button is not a check; this is.
 */
export async function auditedAction(a: AuditedAction): Promise<ActionResult> {
  const { t } = await getTranslator();
  const [session, ip] = await Promise.all([getSession(), clientIp()]);
  const actor: AuditActor | null = session ? { id: session.admin.id, email: session.admin.email } : null;
  const audit = async (result: AuditResult, detail: string) =>
    recordAudit(await getDb(), {
      actor,
      action: a.action,
      target: a.target ?? null,
      items: a.items ? a.items.slice(0, 1000) : null,
      result,
      detail,
      ip,
    });

  if (!session || !can(session.admin.role, "write")) {
    await audit("denied", session ? `role ${session.admin.role}` : "not signed in");
    return { ok: false, message: t("action.refused") };
  }
  const invalid = a.validate?.(t);
  if (invalid) return { ok: false, message: invalid };

  let result: ActionResult & { partial?: boolean };
  try {
    result = await a.perform(t);
  } catch (e) {
    forgetSharedReads();
    const error = (e as Error).message;
    await audit("error", error);
    return { ok: false, message: t("action.failed", { error }) };
  }
  forgetSharedReads();
  await audit(result.partial ? "partial" : result.ok ? "ok" : "error", result.message);
  for (const p of a.revalidate ?? []) revalidatePath(p, "layout");
  return { ok: result.ok, message: result.message };
}
