/**
 * The registry a worker runs with: the app's jobs, plus job classes from the module named by
 * `APP_INCLUDE` (php-resque's variable for the same purpose). That module's default export (or
 * its `jobs` export) is an array of job classes.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { JobClass, JobRegistry } from "../lib/resque/index";

export async function loadJobClasses(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<JobRegistry> {
  const extra: JobClass[] = [];
  if (env.APP_INCLUDE) {
    const file = path.resolve(cwd, env.APP_INCLUDE);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; jobs?: unknown };
    const list = mod.jobs ?? mod.default;
    if (!Array.isArray(list))
      throw new Error(`APP_INCLUDE ${env.APP_INCLUDE} must export an array of job classes (default or \`jobs\`)`);
    extra.push(...(list as JobClass[]));
  }
  // Loaded here, not at the top: the jobs bring zod and nodemailer, which the CLI's Redis-only
  // commands (`status`, `failed`, `retry`…) never need.
  const { createRegistry } = await import("../jobs/index");
  return createRegistry(extra);
}
