"use client";

import { useState } from "react";
import { useT } from "./providers";

/**
 * Copies `text` (a job id, args, a backtrace, a generated password) to the clipboard and says so for two seconds.
 * The Clipboard API needs a secure context (https or localhost); elsewhere a hidden textarea and
 * execCommand do it, so a dashboard served over plain http on a LAN still copies.
 */
/** `what` names the thing copied for screen readers and tests ("job id"); without it the button reads "Copy". */
export function CopyButton({ text, what }: { text: string; what?: string }) {
  const t = useT();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    let ok: boolean;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      ok = document.execCommand("copy");
      area.remove();
    }
    setState(ok ? "copied" : "failed");
    setTimeout(() => setState("idle"), 2000);
  };
  return (
    <button
      type="button"
      onClick={copy}
      data-copy={what ?? ""}
      aria-label={what ? t("ux.copy.label", { what }) : undefined}
      title={what ? t("ux.copy.label", { what }) : undefined}
      className="whitespace-nowrap rounded border border-zinc-300 px-1.5 py-0 text-xs text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      <span aria-live="polite">
        {state === "copied" ? t("ux.copy.done") : state === "failed" ? t("ux.copy.failed") : t("ux.copy.button")}
      </span>
    </button>
  );
}
