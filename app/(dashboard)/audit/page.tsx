import { AuditLog } from "@/components/audit-log";
import { getDb, listAudit, listAuditActions, listAuditHosts } from "@/lib/db";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { one, pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { titled } from "../../page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("audit.title");

/** Readable by every signed-in account, viewers included: seeing who did what changes nothing. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const { locale } = await getTranslator();
  const sp = await searchParams;
  const { page, perPage, choices } = pageParams(sp);
  const filters = {
    action: (one(sp.action) ?? "").trim().slice(0, 200),
    actor: (one(sp.actor) ?? "").trim().slice(0, 300),
    host: (one(sp.host) ?? "").trim().slice(0, 100),
  };
  const db = await getDb();
  const [log, actions, hosts] = await Promise.all([
    listAudit(db, {
      page,
      perPage,
      action: filters.action || undefined,
      actor: filters.actor || undefined,
      host: filters.host || undefined,
    }),
    listAuditActions(db),
    listAuditHosts(db),
  ]);
  return (
    <AuditLog
      locale={locale}
      log={log}
      actions={actions}
      hosts={hosts}
      filters={filters}
      perPageChoices={choices}
      nowMs={Date.now()}
    />
  );
}
