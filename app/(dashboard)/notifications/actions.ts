"use server";

import { z } from "zod";
import { getDb, markNotificationsRead } from "@/lib/db";
import { dashboardAction } from "../../action";

/**
 * Marks all of the signed-in account's notifications read (the bell's "mark all read"). Its own
 * rows only, so a viewer may do it too.
 */
export const markAllReadAction = dashboardAction({
  action: "demo.notifications.read_all",
  input: z.tuple([]),
  permission: "read",
  perform: async (_, { t, session }) => {
    const n = await markNotificationsRead(await getDb(), { type: "admin", id: session.admin.id }, "all");
    return { code: "ok", message: t("demo.notifications.markedRead", { count: n }) };
  },
});
