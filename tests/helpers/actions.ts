/**
 * Server actions as the build registered them, read from Next's server-reference manifest, so a
 * test can replay any action directly (as a forged POST would) without a button to click: a
 * disabled button for a viewer is not a check, the server is.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

const MANIFEST = path.resolve(import.meta.dirname, "..", "..", ".next", "server", "server-reference-manifest.json");

export interface ServerActionRef {
  id: string;
  /** Source file, e.g. `app/(dashboard)/queues/actions.ts`. */
  file: string;
  exportedName: string;
  /** A page that imports it (`app/(dashboard)/queues/page`), to POST the action to. */
  pages: string[];
}

export function serverActions(): ServerActionRef[] {
  const m = JSON.parse(readFileSync(MANIFEST, "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(m.node).map(([id, v]) => ({
    id,
    file: v.filename,
    exportedName: v.exportedName,
    pages: Object.keys(v.workers),
  }));
}

export function serverAction(file: string, exportedName: string): ServerActionRef {
  const found = serverActions().find((a) => a.file === file && a.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${file} in the build`);
  return found;
}

/** `app/(dashboard)/queues/[name]/page` → `/queues/x`: a URL of a page that knows the action. */
export function pageUrlOf(page: string): string {
  const route = page
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .split("/")
    .filter((seg) => !/^\(.*\)$/.test(seg))
    .map((seg) => (/^\[.*\]$/.test(seg) ? "x" : seg))
    .join("/");
  return route === "" ? "/" : route;
}

/**
 * POSTs the action from inside `page` (so with its cookies and its own Origin), the way Next's
 * client calls it: the id in `Next-Action`, the arguments as a JSON array. Returns the raw answer.
 */
export async function replayAction(
  page: Page,
  baseUrl: string,
  action: ServerActionRef,
  args: unknown[],
): Promise<{ status: number; text: string }> {
  const url = baseUrl + pageUrlOf(action.pages[0] ?? "app/page");
  // From a page of the server's own origin, as the app's client would: a blank page (signIn
  // leaves a new one blank) would make it a cross-origin request without the cookies.
  if (page.url() === "about:blank" || new URL(page.url()).origin !== new URL(baseUrl).origin) {
    await page.goto(`${baseUrl}/api/health`);
  }
  return page.evaluate(
    async ({ url, id, body }) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    { url, id: action.id, body: JSON.stringify(args) },
  );
}

/** The action's answer (`{ok, message, …}`) out of the RSC stream a replayed POST gets back. */
export function actionAnswer<T = { ok: boolean; message: string }>(text: string): T {
  const line = text.split("\n").find((l) => /^\d+:\{"ok":/.test(l));
  if (!line) throw new Error(`no action answer in ${text.slice(0, 300)}`);
  return JSON.parse(line.slice(line.indexOf(":") + 1)) as T;
}
