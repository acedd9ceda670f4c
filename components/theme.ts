/** Explicit choice first, else the system's. Runs in the browser only. */
export function applyTheme() {
  try {
    const s = localStorage.getItem("theme");
    const d = s ? s === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    document.documentElement.classList.toggle("dark", d);
  } catch {
    // storage blocked: the light theme stays
  }
}

/** The same function, inlined by the layout so it runs before the first paint (no flash). */
export const THEME_SCRIPT = `(${applyTheme.toString()})()`;
