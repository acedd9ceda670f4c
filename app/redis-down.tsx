import type { Translate } from "@/lib/i18n";
import { isRedisUnreachable, redactUrl, redisUrlFromEnv } from "@/lib/redis";

/**
 * What every page shows when its first Redis read fails: a sentence to act on, the driver's text
 * folded away. Any other error is rethrown, so it is logged and answered as a server error by
 * Next's error page instead of blaming Redis.
 */
export function RedisDown({ t, error }: { t: Translate; error: unknown }) {
  if (!isRedisUnreachable(error)) throw error;
  return (
    <div
      role="alert"
      className="space-y-2 rounded border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <p>{t("redis.down", { url: redactUrl(redisUrlFromEnv()) })}</p>
      <details className="text-sm opacity-80">
        <summary>{t("redis.details")}</summary>
        <p className="font-mono">{error instanceof Error ? error.message : String(error)}</p>
      </details>
    </div>
  );
}
