/**
 * Display formatting shared by server and client components (no runtime imports beyond i18n).
 */
import { formatWhen, type MessageKey, type Translate } from "./i18n";

/** "2026-11-29 10:42:07 UTC", or "–" when unknown. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * "3 min ago · 2026-11-29 04:42:07 UTC", or the raw string when it could not be read. Ages are
 * measured against `nowMs` (the Redis clock at the read), and the absolute time is UTC so the
 * server's first paint and the browser's hydration agree.
 */
export function formatStamp(t: Translate, d: { ms: number | null; raw: string } | undefined, nowMs: number): string {
  if (!d) return "–";
  if (d.ms === null) return d.raw || "–";
  return formatWhen(t, d.ms, nowMs);
}

/**
 * English needs "1 job" / "2 jobs"; Chinese has one form, so its `one` and `other` strings can
 * be the same. The count is passed as `{count}`, formatted with thousands separators.
 */
export function plural(
  t: Translate,
  keys: { one: MessageKey; other: MessageKey },
  count: number,
  vars: Record<string, string | number> = {},
): string {
  return t(count === 1 ? keys.one : keys.other, { ...vars, count: count.toLocaleString("en") });
}
