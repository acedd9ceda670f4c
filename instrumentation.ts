/**
 * Next.js calls register() once when a server starts. The Node.js server starts the alert rules'
 * evaluation (lib/alerts/web.ts); the import stays inside the check so no other runtime bundles it.
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
  const { startWebAlerts } = await import("./lib/alerts/web");
  startWebAlerts();
}
