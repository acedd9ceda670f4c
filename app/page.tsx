import { getStats, listQueues, listWorkers } from "@/lib/resque/index";
import { getConnection } from "@/lib/redis";

export const dynamic = "force-dynamic";

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded border border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <div className="text-xs uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums">{value.toLocaleString("en")}</div>
    </div>
  );
}

/** Read-only overview; the full dashboard (sign-in, actions, live updates) builds on this. */
export default async function OverviewPage() {
  const conn = getConnection();
  let data;
  try {
    const [stats, queues, workers] = await Promise.all([getStats(conn), listQueues(conn), listWorkers(conn)]);
    data = { stats, queues, workers };
  } catch (e) {
    return (
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        Redis is unreachable: {(e as Error).message}
      </p>
    );
  }
  const { stats, queues, workers } = data;
  return (
    <div className="space-y-8">
      <section className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label="Processed" value={stats.processed} />
        <Stat label="Failed" value={stats.failedListLength} />
        <Stat label="Queued" value={stats.pending} />
        <Stat label="Workers" value={stats.workers} />
        <Stat label="Working" value={stats.working} />
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Queues</h2>
        {queues.length === 0 ? (
          <p className="text-zinc-500">No queues yet. Enqueue a job with <code>npm run queue -- enqueue default SendEmailJob {"'{...}'"}</code>.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr><th className="py-1">Queue</th><th>Size</th><th>Latency</th><th>State</th></tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.name} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className="py-1 font-mono">{q.name}</td>
                  <td className="tabular-nums">{q.size}</td>
                  <td className="tabular-nums">{q.latencySec == null ? "–" : `${q.latencySec.toFixed(1)} s`}</td>
                  <td>{q.paused ? "Paused" : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Workers</h2>
        {workers.length === 0 ? (
          <p className="text-zinc-500">No workers are running. Start them with <code>npm run queue -- work</code>.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500">
              <tr><th className="py-1">Worker</th><th>Liveness</th><th>Doing</th><th>Processed</th><th>Failed</th></tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className="py-1 font-mono">{w.id}</td>
                  <td>{w.liveness}</td>
                  <td>{w.job ? `${w.job.payload.displayClass ?? "?"} on ${w.job.queue}` : "Idle"}</td>
                  <td className="tabular-nums">{w.processed}</td>
                  <td className="tabular-nums">{w.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
