import type { Translate } from "@/lib/i18n";
import { describeRedis, isRedisSwitching, isRedisUnreachable, redisTargetFromEnv } from "@/lib/redis";

/**
 * What every page shows when its first Redis read fails: a sentence to act on, the driver's text
 * folded away. Any other error is rethrown, so it is logged and answered as a server error by
 * Next's error page instead of blaming Redis. While Sentinel replaces the primary (or a demoted
 * primary answers READONLY) it says Redis is switching, in amber: the page is live again by itself.
 */
export function RedisDown({ t, error }: { t: Translate; error: unknown }) {
  if (!isRedisUnreachable(error)) throw error;
  const target = redisTargetFromEnv();
  const switching = isRedisSwitching(error, target);
  return (
    <div
      role="alert"
      className={
        switching
          ? "space-y-2 rounded border border-amber-300 bg-amber-50 p-4 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
          : "space-y-2 rounded border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      }
    >
      {/* break-words: a sentinel list is one long unbroken word on a 390 px screen */}
      <p className="break-words">
        {switching
          ? t("redis.switching", { redis: describeRedis(target) })
          : t("redis.down", { url: describeRedis(target) })}
      </p>
      <details className="text-sm opacity-80">
        <summary>{t("redis.details")}</summary>
        <p className="font-mono break-words">{error instanceof Error ? error.message : String(error)}</p>
      </details>
    </div>
  );
}
