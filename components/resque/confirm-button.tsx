"use client";

import { useRouter } from "next/navigation";
import { useLayoutEffect, useRef, useState, useTransition } from "react";
import { useCanWrite, useT } from "../providers";
import { useRunAction } from "../use-run-action";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { Answer } from "../answer";

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
  const box = useRef<HTMLSpanElement>(null);
  const yes = useRef<HTMLButtonElement>(null);

  // The question is `position: fixed`, placed from the button's rect: a table's scroll wrapper
  // (overflow-x: auto) would otherwise clip it, or grow a scrollbar of its own and scroll the row
  // away when "Yes" takes focus. It opens below and towards the side with room, above when the
  // viewport has no room below, and follows the button when the page or a wrapper scrolls. The
  // box is placed by writing its style before paint (it starts hidden), so it never shows in the
  // wrong place first, and "Yes" takes focus once it is visible, without scrolling anything.
  useLayoutEffect(() => {
    if (!asking) return;
    const place = () => {
      const el = box.current;
      const a = anchor.current?.getBoundingClientRect();
      if (!el || !a) return;
      const b = el.getBoundingClientRect();
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      const gap = 4;
      const left = a.left + b.width <= vw - gap ? a.left : Math.max(gap, Math.min(a.right, vw - gap) - b.width);
      const below = a.bottom + gap + b.height <= vh || a.top - gap - b.height < 0;
      el.style.left = `${left}px`;
      el.style.top = `${below ? a.bottom + gap : a.top - gap - b.height}px`;
      el.style.visibility = "visible";
    };
    place();
    yes.current?.focus({ preventScroll: true });
    window.addEventListener("scroll", place, true);
    window.addEventListener("resize", place);
    return () => {
      window.removeEventListener("scroll", place, true);
      window.removeEventListener("resize", place);
    };
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
            ref={box}
            style={{
              width: `min(${POPOVER_REM}rem, calc(100vw - 1rem))`,
              top: 0,
              left: 0,
              visibility: "hidden",
            }}
            className={`fixed z-30 flex flex-col gap-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-left text-sm font-normal whitespace-normal text-amber-900 shadow-lg dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100`}
          >
            <span className="break-words">{question}</span>
            <span className="flex gap-2">
              <button type="button" className={danger ? red : plain} onClick={run} disabled={pending} ref={yes}>
                {t("confirm.yes")}
              </button>
              <button type="button" className={plain} onClick={() => setAsking(false)}>
                {t("confirm.cancel")}
              </button>
            </span>
          </span>
        )}
      </span>
      {result && !quiet && <Answer result={result} inline />}
    </span>
  );
}
