import { guardRoute, getSession } from "../../auth";
import { readAdminNotifications } from "../../(dashboard)/notifications/data";

export const dynamic = "force-dynamic";

/**
 * The bell's data: the signed-in admin's unread count and newest notifications. Not a shared
 * read (readOnlyJsonRoute shares answers per URL, and this answer differs per admin).
 */
export async function GET(req: Request): Promise<Response> {
  const refused = await guardRoute(req);
  if (refused) return refused;
  const session = await getSession();
  return Response.json(await readAdminNotifications(session?.admin.id ?? null, { page: 1, perPage: 10 }));
}
