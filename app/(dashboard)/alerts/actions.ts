"use server";

import { z } from "zod";
import type { AlertResult } from "@/lib/dashboard/action-result";
import { alertRuleId, alertRuleInput } from "@/lib/dashboard/alert-schema";
import {
  createAlertRule,
  DataError,
  deleteAlertRule,
  getAlertRule,
  getDb,
  setAlertRuleEnabled,
  updateAlertRule,
  type AlertRule,
} from "@/lib/db";
import type { Translate } from "@/lib/i18n";
import { answering, withField, type Answer } from "../../action";

/** The rule's name for the audit row's target (a read only: the role check still comes first). */
async function targetOf(id: number): Promise<string> {
  return (await getAlertRule(await getDb(), id))?.name ?? `#${id}`;
}

/** A rule removed meanwhile is said as such; anything else is thrown to the recipe. */
function stale(t: Translate, e: unknown): Answer<AlertResult> {
  if (e instanceof DataError && e.code === "not_found") return { code: "stale", message: t("alerts.notFound") };
  throw e;
}

/** What the audit row keeps of a rule: enough to tell later what it watched. */
const itemsOf = (r: Pick<AlertRule, "kind" | "queue" | "threshold" | "windowMin">) => [
  `kind=${r.kind}`,
  `queue=${r.queue}`,
  `threshold=${r.threshold}`,
  `window_min=${r.windowMin}`,
];

export const createAlertRuleAction = answering<AlertResult>()({
  action: "alert.create",
  invalid: withField,
  input: z.tuple([alertRuleInput]),
  audit: ([r]) => ({ target: r.name, items: itemsOf(r) }),
  perform: async ([r], { t }) => {
    const rule = await createAlertRule(await getDb(), r);
    return { code: "ok", message: t("alerts.created", { name: rule.name }) };
  },
});

/** An edit starts the rule again from OK (lib/db/alerts.ts updateAlertRule says why). */
export const updateAlertRuleAction = answering<AlertResult>()({
  action: "alert.update",
  invalid: withField,
  input: z.tuple([alertRuleId, alertRuleInput]),
  audit: async ([id, r]) => ({ target: await targetOf(id), items: [`name=${r.name}`, ...itemsOf(r)] }),
  perform: async ([id, r], { t }) => {
    try {
      const rule = await updateAlertRule(await getDb(), id, r);
      return { code: "ok", message: t("alerts.saved", { name: rule.name }) };
    } catch (e) {
      return stale(t, e);
    }
  },
});

export const setAlertRuleEnabledAction = answering<AlertResult>()({
  action: (input) => (input?.[1] ? "alert.enable" : "alert.disable"),
  input: z.tuple([alertRuleId, z.boolean({ error: "alerts.badId" })]),
  audit: async ([id]) => ({ target: await targetOf(id) }),
  perform: async ([id, on], { t }) => {
    try {
      const rule = await setAlertRuleEnabled(await getDb(), id, on);
      return { code: "ok", message: t(on ? "alerts.enabled" : "alerts.disabled", { name: rule.name }) };
    } catch (e) {
      return stale(t, e);
    }
  },
});

export const removeAlertRuleAction = answering<AlertResult>()({
  action: "alert.remove",
  input: z.tuple([alertRuleId]),
  audit: async ([id]) => ({ target: await targetOf(id) }),
  perform: async ([id], { t }) => {
    try {
      const rule = await deleteAlertRule(await getDb(), id);
      return { code: "ok", message: t("alerts.removed", { name: rule.name }) };
    } catch (e) {
      return stale(t, e);
    }
  },
});
