import { formatWhen } from "@/lib/format";
import type { Translate } from "@/lib/i18n";

/** A time as two lines: how long ago, then the absolute time with its zone (dimmed). */
export function When({ t, ms, nowMs }: { t: Translate; ms: number; nowMs: number }) {
  const [ago, at] = formatWhen(t, ms, nowMs).split(" · ");
  return (
    <span className="tabular-nums" title={at}>
      <span className="block">{ago}</span>
      <span className="block whitespace-nowrap text-xs text-zinc-500">{at}</span>
    </span>
  );
}
