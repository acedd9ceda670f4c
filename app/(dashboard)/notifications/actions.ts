"use server";

import { getDb, markNotificationsRead } from "@/lib/db";
import { auditedAction } from "../../action";
import { getSession } from "../../auth";
import type { ActionResult } from "@/lib/dashboard/action-result";

/** Marks all of the signed-in admin's notifications read (the bell's "mark all read"). */
export async function markAllReadAction(): Promise<ActionResult> {
  return auditedAction({
    action: "demo.notifications.read_all",
    perform: async (t) => {
      const session = await getSession();
      const n = session
        ? await markNotificationsRead(await getDb(), { type: "admin", id: session.admin.id }, "all")
        : 0;
      return { ok: true, message: t("demo.notifications.markedRead", { count: n }) };
    },
  });
}
