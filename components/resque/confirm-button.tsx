"use client";

import { useRouter } from "next/navigation";
import { useLayoutEffect, useRef, useState, useTransition } from "react";
import { useCanWrite, useT } from "../providers";
import { useRunAction } from "../use-run-action";
import type { ActionResult } from "@/lib/dashboard/action-result";

const base = "rounded border px-2 py-0.5 text-sm disabled:opacity-50";
const plain = `${base} border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800`;
const red = `${base} border-red-600 bg-red-600 text-white hover:bg-red-700 dark:border-red-500 dark:bg-red-700 dark:hover:bg-red-600`;
/** The question box's width: room for two lines of a long English question. */
const POPOVER_REM = 22;
const redOutline = `${base} border-red-400 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950`;

/**
 * A button that runs a server action (through useRunAction, which refreshes the page's data) and
 * says what happened. With `question`, the first click only asks (no browser dialog) and a second,
 * red button confirms. The question floats under its button instead of replacing it, so the
 * buttons beside it stay where they were; it opens towards the side with room, so it never runs
 * past the page's edge (a table's last column, a 390 px phone).
 */
export function ConfirmButton({
  label,
  action,
  question,
  danger = false,
  disabled = false,
  redirectTo,
  onDone,
  quiet = false,
  forViewers = false,
  disabledReason,
}: {
  label: string;
  action: () => Promise<ActionResult>;
  question?: string;
  danger?: boolean;
  /** Nothing to act on yet (an empty selection); viewers get a disabled button regardless. */
  disabled?: boolean;
  /** Where to go after a successful action (e.g. the list, after removing the page's queue). */
  redirectTo?: string;
  /** What the caller shows or resets with the answer (refreshing is done already). */
  onDone?: (r: ActionResult) => void;
  /** The caller shows the answer itself (in `onDone`), e.g. because this button's row goes away. */
  quiet?: boolean;
  /** The action touches only the caller's own rows (its `permission` is `read`): viewers may press it. */
  forViewers?: boolean;
  /** Why the server would refuse this (the last admin, yourself): the button is disabled and says so. */
  disabledReason?: string;
}) {
  const t = useT();
  const router = useRouter();
  const runAction = useRunAction();
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const canWrite = useCanWrite() || forViewers;
  const anchor = useRef<HTMLSpanElement>(null);
  const [openLeft, setOpenLeft] = useState(false);

  // Measured before paint, so the box never shows on the wrong side first.
  useLayoutEffect(() => {
    if (!asking || !anchor.current) return;
    const r = anchor.current.getBoundingClientRect();
    setOpenLeft(r.left + POPOVER_REM * 16 > document.documentElement.clientWidth && r.right > POPOVER_REM * 16);
  }, [asking]);

  const run = () => {
    setAsking(false);
    startTransition(async () => {
      const r = await runAction(action);
      setResult(r);
      onDone?.(r);
      if (r.ok && redirectTo) router.push(redirectTo);
    });
  };

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span ref={anchor} className="relative inline-flex">
        <button
          type="button"
          className={danger ? redOutline : plain}
          disabled={pending || disabled || !canWrite || !!disabledReason}
          title={canWrite ? disabledReason : t("action.readOnly")}
          aria-expanded={question ? asking : undefined}
          onClick={() => (question ? (setResult(null), setAsking(!asking)) : run())}
        >
          {label}
        </button>
        {asking && (
          <span
            role="group"
            aria-label={question}
            data-confirm
            onKeyDown={(e) => e.key === "Escape" && setAsking(false)}
            style={{ width: `min(${POPOVER_REM}rem, calc(100vw - 1rem))` }}
            className={`absolute top-full z-30 mt-1 flex flex-col gap-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-left text-sm font-normal whitespace-normal text-amber-900 shadow-lg dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100 ${openLeft ? "right-0" : "left-0"}`}
          >
            <span className="break-words">{question}</span>
            <span className="flex gap-2">
              <button type="button" className={danger ? red : plain} onClick={run} disabled={pending} autoFocus>
                {t("confirm.yes")}
              </button>
              <button type="button" className={plain} onClick={() => setAsking(false)}>
                {t("confirm.cancel")}
              </button>
            </span>
          </span>
        )}
      </span>
      {result && !quiet && (
        <span
          role="status"
          aria-live="polite"
          className={`text-sm ${result.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}
        >
          {result.message}
        </span>
      )}
    </span>
  );
}
