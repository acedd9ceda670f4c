/**
 * `npm run bench`: what a second web host and a second worker supervisor add, on one private
 * PostgreSQL 15 (bench/lib/postgres.ts), one redis-server and one export folder, in the same run.
 *
 * - Dashboard: CLIENTS simulated browsers in a closed loop (each GETs a page, waits for the whole
 *   answer, then GETs the next) over the demo's database-backed pages for SECONDS, all against
 *   web A, then spread evenly over web A and web B (half the clients on each, as a balancer with
 *   affinity would); the two take turns twice (A, AB, A, AB) so a change in the machine's other
 *   load hits both alike. Reports pages/s and p95 of each, and the ratio two/one.
 * - Exports: EXPORTS product exports (the demo's 10,000 products each, the real BatchExportJob)
 *   queued at once, drained by one supervisor, then by two, twice over (mean of the two); time
 *   from the enqueue to the last "done". An export job runs one per process (its concurrency is 1), so a second supervisor is
 *   what adds a second export at a time.
 *
 * Both "hosts" are processes on this one machine: they share its cores (and PostgreSQL, Redis and
 * the load generator share them too). On a 2-core machine a second host can only add what the
 * first left idle; on real hosts each brings its own cores. Prints JSON lines and a table; writes
 * bench/.out/many-hosts.md.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { BatchExportJob } from "../jobs/batch-export-job";
import { createRegistry } from "../jobs/index";
import { createSession, SESSION_COOKIE_NAME } from "../lib/auth/session";
import {
  createExport,
  DEMO_PRODUCTS,
  findAdminByEmail,
  getExport,
  openDb,
  seedDemo,
  setExportJobId,
  type Db,
} from "../lib/db/index";
import { Client } from "../lib/resque/index";
import { createDatabase } from "../tests/helpers/postgres";
import { cliEnv, startCli, type Running } from "../tests/helpers/processes";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";
import { startWeb, type WebServer } from "../tests/helpers/web";
import { ensureNextBuild } from "../tests/setup/next-build";
import { summarize, type Summary } from "./lib/latency";
import { startBenchPostgres } from "./lib/postgres";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), ".out");
const CLIENTS = Math.max(1, Math.floor(Number(process.env.BENCH_HOSTS_CLIENTS ?? "8")));
const SECONDS = Math.max(2, Number(process.env.BENCH_HOSTS_SECONDS ?? "8"));
const WARMUP_SECONDS = 2;
const EXPORTS = Math.max(2, Math.floor(Number(process.env.BENCH_HOSTS_EXPORTS ?? "24")));
const NAMESPACE = "bench-hosts";
const PAGES = ["/products", "/products?q=pro&sort=-price", "/users", "/exports", "/audit"];

const log = (s: string) => process.stderr.write(`[bench:many-hosts] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadResult {
  perSecond: number;
  latency: Summary;
  failures: number;
  /** Every successful page's time, ms. */
  ms: number[];
}

/** Runs of equal length as one: the mean rate, the percentiles of all samples. */
function merge(runs: LoadResult[]): LoadResult {
  const ms = runs.flatMap((r) => r.ms);
  const perSecond = runs.reduce((sum, r) => sum + r.perSecond, 0) / runs.length;
  const failures = runs.reduce((sum, r) => sum + r.failures, 0);
  return { perSecond: Math.round(perSecond * 10) / 10, latency: summarize(ms), failures, ms };
}

/** CLIENTS closed-loop clients for `seconds`, client i always on webs[i % webs.length] (sticky, as a balancer with affinity would be). */
async function load(webs: WebServer[], cookie: string, seconds: number): Promise<LoadResult> {
  const ms: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const web = webs[i % webs.length]!;
      for (let n = i; performance.now() < end; n++) {
        const start = performance.now();
        try {
          const res = await fetch(web.url + PAGES[n % PAGES.length], { headers: { cookie }, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status === 200) ms.push(performance.now() - start);
          else failures++;
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { perSecond: Math.round((ms.length / elapsed) * 10) / 10, latency: summarize(ms), failures, ms };
}

/** A supervisor running exports (and the notifications they send), its worker registered before it returns. */
async function supervisor(redis: Redis, env: NodeJS.ProcessEnv): Promise<Running> {
  const before = await redis.scard(`${NAMESPACE}:workers`);
  const s = startCli(["work"], env);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await redis.scard(`${NAMESPACE}:workers`)) > before) return s;
    if (Date.now() > deadline || s.proc.exitCode !== null) {
      // Not yet in the caller's list: stop it here, or it outlives the bench.
      s.kill("SIGKILL");
      await s.exited;
      throw new Error(`work did not register:\n${s.output()}`);
    }
    await sleep(100);
  }
}

/** Queues `count` exports of every product and resolves with the seconds until all are done. */
async function drainExports(db: Db, client: Client, adminId: number, count: number): Promise<number> {
  const t0 = performance.now();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const record = await createExport(db, { admin: { id: adminId }, selection: { filter: {} } });
    const job = await client.enqueue(BatchExportJob.queue, BatchExportJob, { export_id: record.id, user_id: adminId });
    await setExportJobId(db, record.id, job.id ?? null);
    ids.push(record.id);
  }
  const deadline = Date.now() + 600_000;
  for (const id of ids) {
    for (;;) {
      const record = await getExport(db, id);
      const status = record?.status;
      if (status === "done") {
        // A timed run that wrote less than every row would flatter the figure.
        if (record!.rowsWritten !== DEMO_PRODUCTS) throw new Error(`export ${id} wrote ${record!.rowsWritten} rows`);
        break;
      }
      if (status === "failed") throw new Error(`export ${id} failed: ${record!.error}`);
      if (Date.now() > deadline) throw new Error(`export ${id} still ${status} after 600 s`);
      await sleep(50);
    }
  }
  return (performance.now() - t0) / 1000;
}

async function main() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(",").includes("many-hosts")) return;
  await ensureNextBuild();
  const pg = (await startBenchPostgres(true))!;
  const storage = mkdtempSync(path.join(os.tmpdir(), "bench-many-hosts-"));
  const shared = { AUTH_SECRET: randomBytes(24).toString("hex"), EXPORT_STORAGE: storage };
  const webs: WebServer[] = [];
  const supervisors: Running[] = [];
  let redisServer: RedisServer | undefined;
  let redis: Redis | undefined;
  let db: Db | undefined;
  const database = await createDatabase(pg.url(), { migrated: false });
  try {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    // Web A migrates the database and adds the admin; B serves the same database.
    webs.push(
      await startWeb({ redisUrl: redisServer.url, namespace: NAMESPACE, databaseUrl: database.url, env: shared }),
    );
    webs.push(
      await startWeb({
        redisUrl: redisServer.url,
        namespace: NAMESPACE,
        databaseUrl: database.url,
        env: shared,
        account: false,
      }),
    );
    const [webA] = webs as [WebServer, WebServer];
    db = openDb(database.url);
    await seedDemo(db);
    const admin = (await findAdminByEmail(db, webA.account!.email))!;
    const { token } = await createSession(db, admin.id, { userAgent: "bench/many-hosts" }, { env: shared });
    const cookie = `${SESSION_COOKIE_NAME}=${token}`;

    await load(webs, cookie, WARMUP_SECONDS);
    const runs: { one: LoadResult[]; two: LoadResult[] } = { one: [], two: [] };
    for (let round = 0; round < 2; round++) {
      runs.one.push(await load([webA], cookie, SECONDS));
      runs.two.push(await load(webs, cookie, SECONDS));
    }
    const one = merge(runs.one);
    const two = merge(runs.two);
    log(`one web: ${one.perSecond} pages/s, p95 ${one.latency.p95} ms`);
    log(`two webs: ${two.perSecond} pages/s, p95 ${two.latency.p95} ms`);
    const pageRatio = two.perSecond / one.perSecond;
    console.log(
      JSON.stringify({
        scenario: "many-hosts-dashboard",
        clients: CLIENTS,
        oneWeb: { perSecond: one.perSecond, p95: one.latency.p95, failures: one.failures },
        twoWebs: { perSecond: two.perSecond, p95: two.latency.p95, failures: two.failures },
        ratio: Number(pageRatio.toFixed(2)),
      }),
    );

    const env = cliEnv(redisServer.url, NAMESPACE, {
      ...shared,
      DATABASE_URL: database.url,
      QUEUE: "export,notification",
    });
    const client = new Client({ redis, namespace: NAMESPACE, registry: createRegistry() });
    supervisors.push(await supervisor(redis, env));
    // One export first, so the timed runs start with warm caches on every side.
    await drainExports(db, client, admin.id, 1);
    // Taking turns as the pages do: one supervisor, two, one (the second stopped), two again.
    let oneSup = 0;
    let twoSup = 0;
    for (let round = 0; round < 2; round++) {
      oneSup += await drainExports(db, client, admin.id, EXPORTS);
      const second = await supervisor(redis, env);
      supervisors.push(second);
      twoSup += await drainExports(db, client, admin.id, EXPORTS);
      second.kill("SIGQUIT");
      await second.exited;
      // Gone from the registry (its worker unregistered), so the next round's count starts right.
      while ((await redis.scard(`${NAMESPACE}:workers`)) > 1) await sleep(50);
    }
    oneSup /= 2;
    twoSup /= 2;
    log(`one supervisor: ${EXPORTS} exports in ${oneSup.toFixed(1)} s`);
    log(`two supervisors: ${EXPORTS} exports in ${twoSup.toFixed(1)} s`);
    const exportRatio = oneSup / twoSup;
    console.log(
      JSON.stringify({
        scenario: "many-hosts-exports",
        exports: EXPORTS,
        rowsEach: DEMO_PRODUCTS,
        oneSupervisorSeconds: Number(oneSup.toFixed(2)),
        twoSupervisorsSeconds: Number(twoSup.toFixed(2)),
        ratio: Number(exportRatio.toFixed(2)),
      }),
    );

    const md = [
      `# Many hosts on one PostgreSQL, Redis and export folder (${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")})`,
      "",
      "Both hosts are processes on this one machine and share its cores with PostgreSQL, Redis and the load.",
      "",
      "| | one | two | two / one |",
      "| --- | ---: | ---: | ---: |",
      `| dashboard pages/s (${CLIENTS} clients, closed loop, 2 × ${SECONDS} s each) | ${one.perSecond} | ${two.perSecond} | ${pageRatio.toFixed(2)}× |`,
      `| dashboard p95 | ${one.latency.p95} ms | ${two.latency.p95} ms | ${(two.latency.p95 / one.latency.p95).toFixed(2)}× |`,
      `| ${EXPORTS} exports of ${DEMO_PRODUCTS.toLocaleString("en-US")} rows (mean of 2) | ${oneSup.toFixed(1)} s | ${twoSup.toFixed(1)} s | ${exportRatio.toFixed(2)}× throughput |`,
      "",
    ].join("\n");
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, "many-hosts.md"), md);
    process.stdout.write("\n" + md);
  } finally {
    for (const s of supervisors) {
      s.kill("SIGQUIT");
      await s.exited;
    }
    await db?.destroy();
    for (const w of webs) await w.stop();
    await database.drop();
    redis?.disconnect();
    await redisServer?.stop();
    await pg.stop();
    rmSync(storage, { recursive: true, force: true });
  }
}

await main();
