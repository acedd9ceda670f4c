/**
 * The job registry: every Resque class name this app's workers run, PHP names included, so a
 * php-resque producer's `Common\Job\SendEmailJob` runs here unchanged.
 *
 * Jobs load the database and export code (better-sqlite3, kysely, papaparse) with `import()`
 * when they first run: a worker process that never runs them does not pay ~200 ms of start-up
 * for them, which matters when the supervisor respawns a killed worker.
 */
import { JobRegistry, type JobClass } from "../lib/resque/index";
import { BatchExportJob } from "./batch-export-job";
import { NotifyJob } from "./notify-job";
import { ReliableJob } from "./reliable-job";
import { SendEmailJob } from "./send-email-job";
import { SendNotificationJob } from "./send-notification-job";

export const jobClasses: JobClass[] = [SendEmailJob, SendNotificationJob, BatchExportJob, NotifyJob, ReliableJob];

export function createRegistry(extra: JobClass[] = []): JobRegistry {
  return new JobRegistry([...jobClasses, ...extra]);
}
