import Link from "@/components/link";
import { Pager } from "@/components/resque/pager";
import { one, pageParams, type SearchParams } from "@/lib/dashboard/paging";
import { requirePageSession } from "../../auth";
import { getTranslator } from "../../locale";
import { listOutbox, readOutboxMessage } from "@/lib/mail-outbox";
import { titled } from "../../page-title";
import { When } from "@/components/when";

export const dynamic = "force-dynamic";
export const generateMetadata = titled("demo.outbox.title");

/**
 * The e-mails SendEmailJob saved instead of sending (SMTP_URL unset): a paged list, newest first,
 * and one message shown as text (`?file=`).
 */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageSession();
  const { t } = await getTranslator();
  const sp = await searchParams;
  const file = one(sp.file);
  if (file) {
    const msg = await readOutboxMessage(file);
    return (
      <div className="space-y-4">
        <p className="text-sm">
          <Link href="/outbox" className="text-blue-700 hover:underline dark:text-blue-400">
            ← {t("demo.outbox.title")}
          </Link>
        </p>
        {!msg ? (
          <p className="text-zinc-500">{t("demo.outbox.missing")}</p>
        ) : (
          <>
            <h1 className="break-words text-xl font-semibold">{msg.headers.subject ?? ""}</h1>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              {(["from", "to", "date", "message-id"] as const).map((h) => (
                <div key={h} className="contents">
                  <dt className="text-zinc-500">{h}</dt>
                  <dd className="break-all">
                    {h === "date" && Number.isFinite(Date.parse(msg.headers.date ?? "")) ? (
                      <When ms={Date.parse(msg.headers.date!)} nowMs={Date.now()} />
                    ) : (
                      (msg.headers[h] ?? "")
                    )}
                  </dd>
                </div>
              ))}
            </dl>
            <pre
              data-body
              className="whitespace-pre-wrap break-words rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800"
            >
              {msg.body}
            </pre>
          </>
        )}
      </div>
    );
  }
  const { page, perPage, choices } = pageParams(sp);
  const list = await listOutbox(page, perPage);
  // The age of each message is measured against the clock that read the folder.
  const nowMs = Date.now();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("demo.outbox.title")}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {process.env.SMTP_URL ? t("demo.outbox.smtpSet") : t("demo.outbox.hint")}
      </p>
      {list.total === 0 ? (
        <p className="text-zinc-500">{t("demo.outbox.empty")}</p>
      ) : (
        <>
          <Pager t={t} path="/outbox" page={page} perPage={perPage} total={list.total} choices={choices} />
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr>
                <th className="py-1 pr-4 font-normal">{t("demo.outbox.subject")}</th>
                <th className="py-1 pr-4 font-normal">{t("demo.outbox.to")}</th>
                <th className="py-1 pr-4 font-normal">{t("demo.outbox.date")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((m) => (
                <tr key={m.file} data-eml={m.file} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className="py-1 pr-4">
                    <Link
                      href={`/outbox?file=${encodeURIComponent(m.file)}`}
                      className="text-blue-700 hover:underline dark:text-blue-400"
                    >
                      {m.subject || m.file}
                    </Link>
                  </td>
                  <td className="py-1 pr-4">{m.to}</td>
                  <td className="py-1 pr-4">
                    {Number.isFinite(Date.parse(m.date)) ? <When ms={Date.parse(m.date)} nowMs={nowMs} /> : m.date}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
