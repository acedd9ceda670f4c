import { getDb, listNotifications, type NotificationPage } from "@/lib/db";

/** The signed-in admin's notifications (the bell's panel and its count); a token caller has none. */
export async function readAdminNotifications(
  adminId: number | null,
  paging: { page: number; perPage: number },
): Promise<NotificationPage> {
  if (adminId == null) return { items: [], total: 0, unread: 0, page: 1, perPage: paging.perPage };
  return listNotifications(await getDb(), { type: "admin", id: adminId }, paging);
}
