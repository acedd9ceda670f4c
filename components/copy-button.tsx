"use client";

import { useState } from "react";
import { useT } from "./providers";

/**
 * Copies `text` to the clipboard and says so for a moment. Falls back to selecting a hidden
 * textarea when the Clipboard API is missing (plain http on a LAN address is not a secure context).
 */
export function CopyButton({ text, label }: { text: string; label?: string }) {
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
      document.body.appendChild(area);
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
      data-copy
      className="rounded border border-zinc-300 px-2 py-0.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
    >
      {state === "copied" ? t("copy.done") : state === "failed" ? t("copy.failed") : (label ?? t("copy.label"))}
    </button>
  );
}
