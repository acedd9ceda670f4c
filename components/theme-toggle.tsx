"use client";

import { useEffect } from "react";
import { applyTheme } from "./theme";

/**
 * Light/dark switch. The system setting is the default; a click stores an explicit choice.
 * Applied again on mount: when hydration fails somewhere (a relative time a second off), React
 * renders the document again on the client and drops the class the inline script had set.
 */
export function ThemeToggle({ label }: { label: string }) {
  useEffect(applyTheme, []);
  const toggle = () => {
    const dark = !document.documentElement.classList.contains("dark");
    document.documentElement.classList.toggle("dark", dark);
    localStorage.setItem("theme", dark ? "dark" : "light");
  };
  return (
    <button
      type="button"
      onClick={toggle}
      aria-label={label}
      title={label}
      className="rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
    >
      <span aria-hidden>◐</span>
    </button>
  );
}
