/**
 * Headless Debian Chromium for end-to-end tests, driven by playwright-core (no Playwright
 * browser download): the package chromium-headless-shell, Chromium's own headless build without
 * the desktop browser's layers, which is what Playwright itself drives for headless runs. Measured
 * on the same e2e files against the full `chromium` in new-headless mode: 40 % less CPU in the
 * browser's processes, the pages drawn the same.
 *
 * One browser process per test process, started on first use; each openBrowser() call gets its
 * own context (own cookies, storage, locale, color scheme, viewport and zone), closed by close().
 * A context is what isolates two "browsers" of a test; a process per call cost a Chromium start
 * each, 37 of them in the e2e run.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Full-page PNGs land here (gitignored), one per screenshot() name. */
export const SCREENSHOT_DIR = path.join(ROOT, "tests", ".artifacts", "screenshots");

export interface OpenBrowserOptions {
  /** Sets navigator.language, Accept-Language and Intl defaults. Default en-US. */
  locale?: "en-US" | "zh-CN" | (string & {});
  /** prefers-color-scheme as the page sees it. Default light. */
  colorScheme?: "light" | "dark" | "no-preference";
  viewport?: { width: number; height: number };
  timezoneId?: string;
}

export interface OpenedBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page PNG as tests/.artifacts/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Uncaught page errors and console.error messages (with the resource URL, so a failed load
   * names what failed) seen so far, for "no client errors" checks.
   */
  errors(): string[];
  /** Forgets the errors seen so far (call at the start of a test that checks errors()). */
  clearErrors(): void;
  close(): Promise<void>;
}

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Containers often give /dev/shm 64 MB, which crashes tabs rendering long pages.
  "--disable-dev-shm-usage",
];

/** CHROMIUM_PATH, else the headless shell, else a desktop chromium (a developer's machine may have only that). */
function executablePath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const shell = "/usr/bin/chromium-headless-shell";
  return existsSync(shell) ? shell : "/usr/bin/chromium";
}

let shared: Promise<Browser> | null = null;

/**
 * The test process's browser. Playwright talks to it over a pipe, so it ends with this process
 * (also when a vitest worker is killed); a browser that crashed is started again.
 */
function browser(): Promise<Browser> {
  if (!shared) {
    const launching = chromium.launch({
      executablePath: executablePath(),
      headless: true,
      args: ARGS,
      timeout: 120_000,
    });
    shared = launching;
    launching.then(
      (b) => b.on("disconnected", () => shared === launching && (shared = null)),
      () => shared === launching && (shared = null),
    );
  }
  return shared;
}

export async function openBrowser(opts: OpenBrowserOptions = {}): Promise<OpenedBrowser> {
  const locale = opts.locale ?? "en-US";
  const context = await (
    await browser()
  ).newContext({
    locale,
    colorScheme: opts.colorScheme ?? "light",
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    // UTC unless a test asks for a zone: pages show times in the browser's zone, and a test's
    // expectations must not depend on the zone of the machine it runs on.
    timezoneId: opts.timezoneId ?? "UTC",
  });
  // Generous on a loaded 2-core CI machine; locator assertions still finish as soon as they hold.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  const errors: string[] = [];
  // Every page runs under a nonce CSP (proxy.ts): a script, style or frame it blocks is a bug
  // in the page, so any violation Chromium reports fails the test file at close(), whether or
  // not the test looked at errors().
  const cspViolations: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error")
      errors.push(`console.error: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.text()} (${page.url()})`);
  });
  let closed = false;
  return {
    context,
    page,
    async screenshot(name: string) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "-")}.png`);
      // A page drawn in the other theme than the browser asks for is a bug (it was: a hydration
      // retry dropped the class), unless the page stored an explicit choice.
      const [dark, stored] = await page.evaluate(
        () => [document.documentElement.classList.contains("dark"), localStorage.getItem("theme")] as const,
      );
      if (stored === null && page.url().startsWith("http") && dark !== ((opts.colorScheme ?? "light") === "dark")) {
        throw new Error(
          `${name}: drawn ${dark ? "dark" : "light"} in a ${opts.colorScheme ?? "light"} browser (${page.url()})`,
        );
      }
      await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
      return file;
    },
    errors: () => [...errors],
    clearErrors: () => void errors.splice(0),
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      if (cspViolations.length) throw new Error(`CSP violations:\n${cspViolations.join("\n")}`);
    },
  };
}

/**
 * Waits until React has hydrated the page (the root Providers mark <html data-hydrated>). Text
 * typed into a controlled field before that is put back by hydration, so fill after this.
 */
export async function waitHydrated(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}
