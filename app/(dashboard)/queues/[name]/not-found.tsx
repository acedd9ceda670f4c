import Link from "@/components/link";
import { listQueueNames } from "@/lib/resque/index";
import { getConnection, isRedisUnreachable } from "@/lib/redis";
import { getTranslator } from "../../../locale";

/**
 * A queue name nobody uses (a typo, a queue removed since the link was made): still a 404, but
 * with the queues that do exist, so the reader is one click from the one they meant.
 * O(queues), 1 round trip; with Redis gone the list is left out (the page said so already).
 */
export default async function UnknownQueue() {
  const { t } = await getTranslator();
  let names: string[] | null;
  try {
    names = await listQueueNames(getConnection());
  } catch (e) {
    if (!isRedisUnreachable(e)) throw e;
    names = null;
  }
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("queues.unknown.title")}</h1>
      <p className="text-zinc-600 dark:text-zinc-400">{t("queues.unknown.body")}</p>
      {names && names.length === 0 && <p className="text-zinc-500">{t("queues.unknown.none")}</p>}
      {names && names.length > 0 && (
        <nav aria-labelledby="unknown-queue-list">
          <p id="unknown-queue-list" className="text-sm text-zinc-500">
            {t("queues.unknown.list")}
          </p>
          <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 font-mono text-sm">
            {names.map((n) => (
              <li key={n} className="break-all">
                <Link
                  href={`/queues/${encodeURIComponent(n)}`}
                  className="text-blue-700 hover:underline dark:text-blue-400"
                >
                  {n}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Link href="/queues" className="inline-block text-blue-700 underline dark:text-blue-400">
        ← {t("queues.title")}
      </Link>
    </div>
  );
}
