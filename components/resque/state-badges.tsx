"use client";

import type { Liveness } from "@/lib/resque/admin/types";
import { useT } from "../providers";

const pill = "whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium";

/** Liveness colours, one set for every page that shows a worker. */
const LIVENESS: Record<Liveness, string> = {
  alive: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  dead: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  unknown: "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100",
};

export function LivenessBadge({ liveness }: { liveness: Liveness }) {
  const t = useT();
  return (
    <span className={`${pill} ${LIVENESS[liveness]}`} data-liveness={liveness}>
      {t(`liveness.${liveness}`)}
    </span>
  );
}

/**
 * A queue's state in words, the same badge on Overview, Queues and the queue's page: paused by its
 * own switch, held by the global one ("all workers paused"), or running — never a blank cell.
 */
export function QueueStateBadge({ paused, pausedAll }: { paused: boolean; pausedAll: boolean }) {
  const t = useT();
  const state = paused ? "paused" : pausedAll ? "held" : "running";
  const colour =
    state === "running"
      ? "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100"
      : "bg-amber-200 text-amber-950 dark:bg-amber-800 dark:text-amber-50";
  return (
    <span
      className={`${pill} ${colour}`}
      data-queue-state={state}
      title={state === "held" ? t("ux.state.heldHint") : undefined}
    >
      {state === "paused" ? t("queues.paused") : state === "held" ? t("ux.state.held") : t("ux.state.running")}
    </span>
  );
}

/**
 * "All workers are paused" (Ruby's `pause-all-workers` or resque-pause's `pause:all`), one banner
 * for Overview, Queues, Workers and each queue's page, so the switch is seen wherever work seems
 * stuck (Resume is on Queues, beside the switch).
 */
export function AllPausedBanner({ source }: { source?: string }) {
  const t = useT();
  return (
    <div
      role="note"
      data-banner="all-paused"
      className="flex flex-wrap items-center gap-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <span>{t("queues.allPaused", { source: source ?? "" })}</span>
    </div>
  );
}
