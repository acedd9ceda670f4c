/**
 * `npm run bench`: the demo's database-backed pages on PostgreSQL vs SQLite in the same run.
 *
 * Two production web servers (`next start`) run at once on one private redis-server: one on a
 * SQLite file, one on a private PostgreSQL 15 (bench/lib/postgres.ts), each seeded with the demo's
 * 10,000 products and 500 users and signed in with a session cookie. Each page below is fetched
 * BENCH_DEMO_REQUESTS times (default 100, after 10 warm-ups), alternating between the two servers
 * request by request so both see the same machine load; the whole HTML answer is timed over
 * loopback. Target (issue 13): PostgreSQL's p95 within 1.5× of SQLite's on every page.
 * Prints JSON lines and a table; writes bench/.out/demo-pages.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSession, SESSION_COOKIE_NAME } from "../lib/auth/session";
import { findAdminByEmail, openDb, seedDemo } from "../lib/db/index";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";
import { startWeb, type WebServer } from "../tests/helpers/web";
import { ensureNextBuild } from "../tests/setup/next-build";
import { summarize } from "./lib/latency";
import { startBenchPostgres } from "./lib/postgres";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), ".out");
const REQUESTS = Math.max(20, Math.floor(Number(process.env.BENCH_DEMO_REQUESTS ?? "100")));
const WARMUP = 10;
const TARGET = 1.5;
const PAGES = [
  "/products",
  "/products?q=pro&sort=-price",
  "/products?category=books&status=active&sort=-updated&page=20",
  "/users",
  "/users?q=wang",
  "/exports",
  "/audit",
];

const log = (s: string) => process.stderr.write(`[bench:demo-pages] ${s}\n`);

interface Side {
  web: WebServer;
  cookie: string;
}

/** A server on the current TEST_DATABASE, seeded, with a session cookie of its admin. */
async function side(redisUrl: string, namespace: string): Promise<Side> {
  const web = await startWeb({ redisUrl, namespace });
  const db = openDb(web.databasePath);
  try {
    await seedDemo(db);
    const admin = await findAdminByEmail(db, web.account!.email);
    const { token } = await createSession(db, admin!.id, { userAgent: "bench/demo-pages" });
    return { web, cookie: `${SESSION_COOKIE_NAME}=${token}` };
  } finally {
    await db.destroy();
  }
}

async function get(s: Side, page: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${s.web.url}${page}`, { headers: { cookie: s.cookie }, redirect: "manual" });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${page} answered ${res.status}: ${body.slice(0, 200)}`);
  return ms;
}

async function main() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(",").includes("demo-pages")) return;
  await ensureNextBuild();
  let redis: RedisServer | undefined;
  const sides: Side[] = [];
  const pg = (await startBenchPostgres(true))!;
  try {
    redis = await startRedisServer();
    process.env.TEST_DATABASE = "sqlite";
    sides.push(await side(redis.url, "bench-demo-sqlite"));
    process.env.TEST_DATABASE = "postgres";
    sides.push(await side(redis.url, "bench-demo-pg"));
    const [sqlite, postgres] = sides as [Side, Side];
    const rows: { page: string; sqlite: ReturnType<typeof summarize>; postgres: ReturnType<typeof summarize> }[] = [];
    for (const page of PAGES) {
      const t: Record<"sqlite" | "postgres", number[]> = { sqlite: [], postgres: [] };
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const a = await get(sqlite, page);
        const b = await get(postgres, page);
        if (i >= WARMUP) {
          t.sqlite.push(a);
          t.postgres.push(b);
        }
      }
      const row = { page, sqlite: summarize(t.sqlite), postgres: summarize(t.postgres) };
      rows.push(row);
      log(`${page}: p95 sqlite ${row.sqlite.p95} ms, postgres ${row.postgres.p95} ms`);
      console.log(
        JSON.stringify({
          scenario: "demo-pages",
          page,
          sqliteP95: row.sqlite.p95,
          postgresP95: row.postgres.p95,
          ratio: Number((row.postgres.p95 / row.sqlite.p95).toFixed(2)),
        }),
      );
    }
    const worst = Math.max(...rows.map((r) => r.postgres.p95 / r.sqlite.p95));
    console.log(
      JSON.stringify({
        target: "demo pages p95, PostgreSQL / SQLite (worst page)",
        value: Number(worst.toFixed(2)),
        goal: `<= ${TARGET}`,
        met: worst <= TARGET,
      }),
    );
    const md = [
      `# Demo pages, PostgreSQL vs SQLite (${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}, ${REQUESTS} requests each)`,
      "",
      "| page | SQLite p50 / p95 | PostgreSQL p50 / p95 | p95 ratio |",
      "| --- | ---: | ---: | ---: |",
      ...rows.map(
        (r) =>
          `| \`${r.page}\` | ${r.sqlite.p50} / ${r.sqlite.p95} ms | ${r.postgres.p50} / ${r.postgres.p95} ms | ${(r.postgres.p95 / r.sqlite.p95).toFixed(2)}× |`,
      ),
      "",
      `- worst p95 ratio ${worst.toFixed(2)}× (target ≤ ${TARGET}×: ${worst <= TARGET ? "met" : "NOT met"})`,
      "",
    ].join("\n");
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, "demo-pages.md"), md);
    process.stdout.write("\n" + md);
  } finally {
    for (const s of sides) await s.web.stop();
    await redis?.stop();
    await pg.stop();
  }
}

await main();
