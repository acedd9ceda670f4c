import { AlertsList } from "@/components/alerts-list";
import { alertIntervalMsFromEnv } from "@/lib/alerts/loop";
import { getDb, listAlertRules } from "@/lib/db";
import { requirePageSession } from "../../auth";
import { titled } from "../../page-title";
import {
  createAlertRuleAction,
  removeAlertRuleAction,
  setAlertRuleEnabledAction,
  updateAlertRuleAction,
} from "./actions";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("alerts.title");

/** Every signed-in account may read the rules and their state; the actions refuse viewers on the server. */
export default async function AlertsPage() {
  await requirePageSession();
  const rules = await listAlertRules(await getDb());
  return (
    <AlertsList
      rules={rules}
      intervalSec={alertIntervalMsFromEnv() / 1000}
      nowMs={Date.now()}
      actions={{
        create: createAlertRuleAction,
        update: updateAlertRuleAction,
        setEnabled: setAlertRuleEnabledAction,
        remove: removeAlertRuleAction,
      }}
    />
  );
}
