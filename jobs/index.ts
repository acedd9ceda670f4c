/**
 * The job registry: every Resque class name this app's workers run, PHP names included, so a
 * php-resque producer's `Common\Job\SendEmailJob` runs here unchanged.
 */
import { JobRegistry, type JobClass } from "../lib/resque/index";
import { SendEmailJob } from "./send-email-job";

export const jobClasses: JobClass[] = [SendEmailJob];

export function createRegistry(extra: JobClass[] = []): JobRegistry {
  return new JobRegistry([...jobClasses, ...extra]);
}
