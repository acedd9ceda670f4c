/**
 * Next.js calls register() once when a server starts. The Node.js server checks that it can read
 * the export storage (an S3 bucket that is missing stops it with one line, as it stops a worker)
 * and starts the alert rules' evaluation (lib/alerts/web.ts); the imports stay inside the check so
 * no other runtime bundles them.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A DATABASE_URL that cannot work (a PostgreSQL refusing the password or not answering, an
  // unsupported scheme) stops the start with one line instead of failing every page later.
  const { checkDatabase } = await import("./lib/db/client");
  try {
    await checkDatabase();
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  }
  // On a Redis Cluster a namespace without a hash tag cannot work (its keys span slots): one line.
  const { namespaceFromEnv, namespaceProblem, redisTargetFromEnv } = await import("./lib/redis");
  try {
    const problem = namespaceProblem(redisTargetFromEnv(), namespaceFromEnv());
    if (problem) throw new Error(problem);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  }
  const { exportStorageProblem } = await import("./lib/export/storage");
  const problem = await exportStorageProblem("read");
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  const { startWebAlerts } = await import("./lib/alerts/web");
  startWebAlerts();
}
