/**
 * `npm run bench` (after bench/export.ts): the products CSV export read from PostgreSQL, against
 * `psql -c "\copy (select * from products) to stdout csv"` of the same rows in the same run, and
 * beside it the same with `order by id`, the order the export writes.
 *
 * A private PostgreSQL 15 (tests/helpers/postgres.ts) holds two databases, 100,000 and 1,000,000
 * products (the demo seed's rows, repeated by PostgreSQL itself). Our export runs in its own node
 * process, the same bundled child bench/export.ts uses, given the database's URL, so its peak RSS
 * is its own; psql writes into a file on the same disk. Runs alternate, BENCH_REPS times each
 * (default 3); medians are reported.
 *
 * Targets (issue 13): ours ≥ half psql's rows/s at 1M rows; peak RSS at 1M ≤ 20 MiB above that at
 * 100k. Prints JSON lines, then a table; writes bench/.out/export-pg.md.
 * Env: BENCH_REPS (3), BENCH_EXPORT_ROWS (1000000; the small run is a tenth of it).
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { demoProductRow, migrate, openDb } from "../lib/db/index";
import { createDatabase, PG_BIN, startPostgresServer } from "../tests/helpers/postgres";
import { bundleChild, runOurs, type OursRun } from "./export";
import { median } from "./lib/common";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), ".out");
const REPS = Math.max(1, Math.floor(Number(process.env.BENCH_REPS ?? "3")));
const BIG = Math.max(10_000, Math.floor(Number(process.env.BENCH_EXPORT_ROWS ?? "1000000")));
const SMALL = Math.floor(BIG / 10);
const SEED_ROWS = 10_000;

const log = (s: string) => process.stderr.write(`[bench:export-pg] ${s}\n`);

/** Migrates `url` and fills it with `rows` products: the seed's first 10,000, then copies. */
async function fill(url: string, rows: number): Promise<void> {
  const db = openDb(url);
  try {
    await migrate(db);
    const seed = Array.from({ length: Math.min(rows, SEED_ROWS) }, (_, i) => demoProductRow(i));
    for (let i = 0; i < seed.length; i += 1000)
      await db
        .insertInto("products")
        .values(seed.slice(i, i + 1000))
        .execute();
    let have = seed.length;
    while (have < rows) {
      const n = Math.min(have, rows - have);
      await sql`insert into products (name, price_cents, category, status, stock, created_at, updated_at)
        select name, price_cents, category, status, stock, created_at + ${have * 1000}, updated_at + ${have * 1000}
        from products order by id limit ${n}`.execute(db);
      have += n;
    }
    await sql`vacuum analyze products`.execute(db);
  } finally {
    await db.destroy();
  }
}

/**
 * The issue's peer reads `select * from products`, a sequential scan in whatever order the heap
 * holds; the export writes id order, so `ORDERED` (the same rows in the export's order, through
 * the primary key) is timed too and reported beside it, not instead of it.
 */
const PEER = "select * from products";
const ORDERED = "select * from products order by id";

async function runPsql(url: string, dir: string, query = PEER): Promise<{ ms: number; bytes: number }> {
  const file = path.join(dir, "psql.csv");
  const out = createWriteStream(file);
  await new Promise<void>((resolve) => out.on("open", () => resolve()));
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn(path.join(PG_BIN, "psql"), ["-X", "-q", "-d", url, "-c", `\\copy (${query}) to stdout with csv`], {
      stdio: ["ignore", out, "inherit"],
    });
    p.on("error", reject);
    p.on("exit", resolve);
  });
  const ms = performance.now() - t0;
  out.close();
  if (code !== 0) throw new Error(`psql exited ${code}`);
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { ms, bytes };
}

async function main() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(",").includes("export-pg")) return;
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-export-pg-"));
  const server = await startPostgresServer();
  try {
    const child = await bundleChild();
    const dbs = {
      small: (await createDatabase(server.url(), { migrated: false })).url,
      big: (await createDatabase(server.url(), { migrated: false })).url,
    };
    log(`filling databases: ${SMALL} and ${BIG} products`);
    await fill(dbs.small, SMALL);
    await fill(dbs.big, BIG);
    const dir = path.join(tmp, "out");
    mkdirSync(dir);

    const ours: Record<"small" | "big", OursRun[]> = { small: [], big: [] };
    const psql: Record<"small" | "big", { ms: number; bytes: number }[]> = { small: [], big: [] };
    const ordered: Record<"small" | "big", { ms: number; bytes: number }[]> = { small: [], big: [] };
    for (let rep = 1; rep <= REPS; rep++) {
      for (const size of ["small", "big"] as const) {
        psql[size].push(await runPsql(dbs[size], dir));
        ours[size].push(await runOurs(child, dbs[size], dir));
        ordered[size].push(await runPsql(dbs[size], dir, ORDERED));
        const o = ours[size].at(-1)!;
        log(
          `rep ${rep} ${size}: ours ${o.rows} rows in ${o.ms.toFixed(0)} ms (peak ${o.peakRssMiB.toFixed(1)} MiB); psql ${psql[size].at(-1)!.ms.toFixed(0)} ms`,
        );
      }
    }

    const rows = { small: SMALL, big: BIG };
    const rate = (runs: { ms: number }[], n: number) => n / (median(runs.map((r) => r.ms)) / 1000);
    const summary = Object.fromEntries(
      (["small", "big"] as const).flatMap((s) => [
        [`${s}.ours`, rate(ours[s], rows[s])],
        [`${s}.psql`, rate(psql[s], rows[s])],
        [`${s}.ordered`, rate(ordered[s], rows[s])],
        [`${s}.rss`, median(ours[s].map((r) => r.peakRssMiB))],
      ]),
    ) as Record<string, number>;
    for (const size of ["small", "big"] as const) {
      console.log(
        JSON.stringify({
          scenario: "export-pg",
          rows: rows[size],
          system: "ours",
          value: Math.round(summary[`${size}.ours`]!),
          unit: "rows/s",
          peakRssMiB: summary[`${size}.rss`],
          runs: ours[size].map((r) => Math.round(r.ms)),
        }),
      );
      console.log(
        JSON.stringify({
          scenario: "export-pg",
          rows: rows[size],
          system: "psql-copy",
          value: Math.round(summary[`${size}.psql`]!),
          unit: "rows/s",
          runs: psql[size].map((r) => Math.round(r.ms)),
        }),
      );
    }
    for (const size of ["small", "big"] as const)
      console.log(
        JSON.stringify({
          scenario: "export-pg",
          rows: rows[size],
          system: "psql-copy-ordered",
          value: Math.round(summary[`${size}.ordered`]!),
          unit: "rows/s",
          runs: ordered[size].map((r) => Math.round(r.ms)),
        }),
      );
    const ratio = summary["big.ours"]! / summary["big.psql"]!;
    const orderedRatio = summary["big.ours"]! / summary["big.ordered"]!;
    const growth = summary["big.rss"]! - summary["small.rss"]!;
    console.log(
      JSON.stringify({
        target: "PostgreSQL export rows/s vs psql \\copy at 1M rows",
        value: Number(ratio.toFixed(3)),
        goal: ">= 0.5",
        met: ratio >= 0.5,
      }),
    );
    console.log(
      JSON.stringify({
        target: "PostgreSQL export peak RSS growth 100k → 1M rows",
        value: Number(growth.toFixed(1)),
        unit: "MiB",
        goal: "<= 20",
        met: growth <= 20,
      }),
    );

    const f = (n: number) => Math.round(n).toLocaleString("en-US");
    const md = [
      `# PostgreSQL export bench (${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}, median of ${REPS})`,
      "",
      "| rows | ours rows/s | psql \\copy rows/s | ours / psql | psql … order by id rows/s | ours / that | ours peak RSS |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...(["small", "big"] as const).map(
        (s) =>
          `| ${f(rows[s])} | ${f(summary[`${s}.ours`]!)} | ${f(summary[`${s}.psql`]!)} | ${(summary[`${s}.ours`]! / summary[`${s}.psql`]!).toFixed(2)} | ${f(summary[`${s}.ordered`]!)} | ${(summary[`${s}.ours`]! / summary[`${s}.ordered`]!).toFixed(2)} | ${summary[`${s}.rss`]!.toFixed(1)} MiB |`,
      ),
      "",
      `- rows/s vs psql at ${f(BIG)} rows: ${ratio.toFixed(2)} (target ≥ 0.5: ${ratio >= 0.5 ? "met" : "NOT met"}); vs psql in the export's id order: ${orderedRatio.toFixed(2)}`,
      `- peak RSS ${f(SMALL)} → ${f(BIG)} rows: +${growth.toFixed(1)} MiB (target ≤ 20: ${growth <= 20 ? "met" : "NOT met"})`,
      "",
    ].join("\n");
    writeFileSync(path.join(OUT, "export-pg.md"), md);
    process.stdout.write("\n" + md);
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
