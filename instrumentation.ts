/**
 * Next.js calls register() once when a server starts. The Node.js server starts the alert rules'
 * evaluation (lib/alerts/web.ts); the import stays inside the check so no other runtime bundles it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startWebAlerts } = await import("./lib/alerts/web");
  startWebAlerts();
}
