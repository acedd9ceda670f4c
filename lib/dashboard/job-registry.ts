import type { JobRegistry } from "@/lib/resque/index";
import { createRegistry } from "@/jobs/index";

let registry: JobRegistry | undefined;

/**
 * The job classes this app's workers run, one registry per server process: the queue client checks
 * each enqueued job against it, and the schedule form checks a schedule's class and args with it,
 * as the CLI's `schedule` command does.
 */
export function jobRegistry(): JobRegistry {
  return (registry ??= createRegistry());
}
