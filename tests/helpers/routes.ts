/**
 * The app's routes read from the file system, so a test that must cover every page covers a new
 * one without being edited (or fails asking for a sample of its parameters).
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const APP = path.resolve(import.meta.dirname, "..", "..", "app");

export interface AppRoute {
  /** The URL with dynamic segments as written on disk: `/queues/[name]`; route groups vanish. */
  pattern: string;
  kind: "page" | "api";
  /** The file, relative to app/. */
  file: string;
}

/** Every page.tsx and route.ts under `app/<under>` (private `_x` and slot `@x` folders skipped). */
export function appRoutes(under = ""): AppRoute[] {
  const walk = (dir: string, segments: string[]): AppRoute[] => {
    const out: AppRoute[] = [];
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name.startsWith("_") || name.startsWith("@")) continue;
        out.push(...walk(full, /^\(.*\)$/.test(name) ? segments : [...segments, name]));
      } else if (/^page\.(tsx|ts|jsx|js)$/.test(name) || /^route\.(ts|js)$/.test(name)) {
        out.push({
          pattern: "/" + segments.join("/"),
          kind: name.startsWith("page") ? "page" : "api",
          file: path.relative(APP, full),
        });
      }
    }
    return out;
  };
  const root = path.join(APP, under);
  // A group folder (`(dashboard)`) adds no segment, so its routes start at "/".
  return walk(
    root,
    under.split("/").filter((s) => s && !/^\(.*\)$/.test(s)),
  );
}

/** Whether the route has dynamic segments (`[id]`, `[...slug]`). */
export function isDynamic(route: AppRoute): boolean {
  return route.pattern.includes("[");
}
