"use client";

/**
 * Light/dark switch. The system setting is the default; a click stores an explicit choice. The
 * inline script in the layout applies it before the first paint, so there is no flash.
 */
export function ThemeToggle({ label }: { label: string }) {
  const toggle = () => {
    const dark = !document.documentElement.classList.contains("dark");
    document.documentElement.classList.toggle("dark", dark);
    localStorage.setItem("theme", dark ? "dark" : "light");
  };
  return (
    <button type="button" onClick={toggle} aria-label={label} title={label} className="rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
      <span aria-hidden>◐</span>
    </button>
  );
}

/** Runs before paint: explicit choice first, else the system's. */
export const THEME_SCRIPT = `(()=>{try{const s=localStorage.getItem("theme");const d=s?s==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch{}})()`;
