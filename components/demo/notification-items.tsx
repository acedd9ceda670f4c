import { formatAgo } from "@/lib/format";
import { isMessageKey, translator, type Locale, type Translate } from "@/lib/i18n";
import type { Notification } from "@/lib/db/notifications";
import { isExportDownloadUrl } from "@/lib/export/url";

/**
 * The seed's export notification, as its jobs (ours and php's BatchExportJob) write it, in
 * Chinese: shown in the reader's language. Other messages are the sender's words, shown as written.
 */
const SEED_EXPORT_DONE = /^导出完成: (\S+\.csv)$/;

function messageText(t: Translate, n: Notification): string {
  // Alerts store their sentence as a key with values too: said in the reader's language.
  if (n.messageKey && isMessageKey(n.messageKey)) return t(n.messageKey, n.messageVars ?? {});
  const message = n.message;
  const m = SEED_EXPORT_DONE.exec(message);
  return m ? t("demo.export.doneMessage", { file: m[1]! }) : message;
}

/**
 * Notifications as a list: the message as text, its download link when it has one, and when.
 * No hooks, so both the user's page (server) and the bell's panel (client) draw it.
 */
export function NotificationItems({
  locale,
  items,
  nowMs,
}: {
  locale: Locale;
  items: Notification[];
  /** What "3 min ago" is measured from: the request's time on the server, the read's time in the bell. */
  nowMs: number;
}) {
  const t = translator(locale);
  return (
    <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-900" data-notifications>
      {items.map((n) => (
        <li key={n.id} data-notification={n.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
          {n.readAtMs == null && (
            <span
              aria-label={t("demo.notifications.unread")}
              className="inline-block h-2 w-2 shrink-0 rounded-full bg-blue-600"
            />
          )}
          <span className="min-w-0 flex-1 whitespace-pre-wrap break-words">{messageText(t, n)}</span>
          {/* Only our own export paths become links: a row written before that rule, or by another client, stays text. */}
          {isExportDownloadUrl(n.downloadUrl) && (
            <a href={n.downloadUrl} download className="text-blue-700 hover:underline dark:text-blue-400">
              {t("demo.notifications.download")}
            </a>
          )}
          <span className="whitespace-nowrap text-xs text-zinc-500">{formatAgo(t, nowMs - n.createdAtMs)}</span>
        </li>
      ))}
    </ul>
  );
}
