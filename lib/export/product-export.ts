/**
 * The products CSV export: streams the selected rows out of the database into a CSV file and
 * records its progress. Memory stays flat whatever the row count: rows are read a page at a time
 * on a private read-only connection, serialised a page at a time, and written with backpressure;
 * nothing collects them.
 *
 * The read connection runs one read transaction, so the count and every page come from the same
 * snapshot (SQLite's WAL, PostgreSQL's REPEATABLE READ: the web app and other jobs keep writing
 * meanwhile, unblocked). The same rows in the same order on both engines, the same bytes out:
 * SQLite walks keyset pages through better-sqlite3 and papaparse writes them; PostgreSQL streams
 * one COPY of the selection and its rows' bytes are finished into the same lines (see
 * openPostgresSource). The bytes go to the export storage (lib/export/storage.ts), which shows the file under
 * its name only when complete — not even after a SIGKILL (a folder's temp file, or an S3 upload
 * never completed).
 */
import { once } from "node:events";
import SQLite from "better-sqlite3";
import { sql, type CompiledQuery, type OperationNode } from "kysely";
import type pg from "pg";
import {
  idRows,
  orderProducts,
  postgresPoolOf,
  PRODUCT_CATEGORIES,
  PRODUCT_STATUSES,
  startExportRun,
  updateExportProgress,
  whereProductFilter,
  type Db,
  type ExportSelection,
} from "../db/index";
import { BOM, csvLines } from "./csv";
import { formatCents } from "../format";
import { translator, type MessageKey } from "../i18n";
import { formatLocalDateTime, writeLocalDateTime } from "./format";
import { newExportFileName } from "./paths";
import { exportStorage, type ExportStorage } from "./storage";
import { FolderStorage } from "./storage-folder";
import { CopyOut, inlineParameters } from "./pg-copy";

/**
 * The seed's header `ID, 名称, 价格`, then the other columns. The times are written on the
 * process's wall clock (as php's date() does), so their headers name that zone: a reader in
 * another zone, or a spreadsheet, must not guess.
 */
export function productCsvHeader(zone: string = Intl.DateTimeFormat().resolvedOptions().timeZone): string[] {
  return ["ID", "名称", "价格", "分类", "状态", "库存", `创建时间 (${zone})`, `更新时间 (${zone})`];
}

/** The header is Chinese, so category and status are written in the Chinese the pages use, not as codes. */
const zh = translator("zh-CN");

/** `case <column> when 'code' then '词' … else <column> end`: the words, chosen by the database as it reads the row. */
function inWords(column: "category" | "status", codes: readonly string[], key: (code: string) => MessageKey) {
  const ref = sql.ref(column);
  return sql<string>`case ${ref} ${sql.join(
    codes.map((c) => sql`when ${c} then ${zh(key(c))}`),
    sql` `,
  )} else ${ref} end`;
}
const CATEGORY_WORDS = inWords("category", PRODUCT_CATEGORIES, (c) => `demo.category.${c}` as MessageKey);
const STATUS_WORDS = inWords("status", PRODUCT_STATUSES, (s) => `demo.productStatus.${s}` as MessageKey);

export interface ProductExportOptions {
  /** The write connection: progress goes through it. */
  db: Db;
  exportId: number;
  selection: ExportSelection;
  jobId?: string;
  /** Where the file goes; defaults to exportStorage() (EXPORT_STORAGE). */
  storage?: ExportStorage;
  /** A folder instead (tests, the bench): FolderStorage(dir). */
  dir?: string;
  /** Progress is written every this many rows (and at the end). */
  progressEvery?: number;
  /** Rows per write at most (default 500 on SQLite, where it is also the page read and papaparse call; 2,000 on PostgreSQL). */
  chunkRows?: number;
  now?: () => Date;
}

export interface ProductExportResult {
  file: string;
  /** Where it is: its path in a folder, or its s3:// URL. */
  path: string;
  rows: number;
  sizeBytes: number;
}

/** The SQLite file behind a kysely handle (the read connection opens the same one). */
export async function databaseFileOf(db: Db): Promise<string> {
  const res = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  const file = res.rows.find((r) => r.name === "main")?.file;
  if (!file)
    throw new Error("the export needs a database file; an in-memory database cannot be read from a second connection");
  return file;
}

/**
 * Cells of typed, CHECK-constrained columns (price, category and status words, stock, times) are
 * joined into one cell with the unit separator U+001F, and papaparse serialises three cells per
 * row — id, name, and that one — instead of eight; the separators become commas afterwards.
 * None of the joined values can contain a comma, quote, line break or formula start (prices and
 * stock are ≥ 0 by CHECK), so none would ever need quoting; U+001F is removed from names, the
 * only place it could otherwise appear. This cut papaparse's share of the CSV work to a quarter.
 */
const SEP = "\u001f";

/**
 * The chunk's CSV as UTF-8, separators turned into commas on the bytes (0x1F never occurs inside
 * a multi-byte UTF-8 sequence): a byte loop costs a tenth of a regex replace on the string.
 */
function csvBytes(rows: unknown[][]): Buffer {
  const buf = Buffer.from(csvLines(rows), "utf8");
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x1f) buf[i] = 0x2c;
  return buf;
}

type SqlRow = [
  id: number,
  name: string,
  priceCents: number,
  mid: string,
  createdMs: number,
  updatedMs: number,
  ...keys: unknown[],
];

/**
 * `join` rather than `+`: it builds the cell as one flat string, where `+` builds a rope that
 * papaparse's formula RegExp then flattens through a slow runtime call (12 % less CPU for
 * formatting, papaparse and encoding together, measured on 200k rows).
 */
function toCsvRow(r: SqlRow): unknown[] {
  return [r[0], r[1], [formatCents(r[2]), r[3], formatLocalDateTime(r[4]), formatLocalDateTime(r[5])].join(SEP)];
}

/** The SELECT's raw columns, by position in SqlRow: the keyset reads the last row's sort key from them. */
const RAW_COLUMNS: Record<string, number> = { id: 0, price_cents: 2, created_at: 4, updated_at: 5 };

/**
 * Column names and direction of a plain `order by "col" asc|desc, …, "id"`, read from the query
 * orderProducts built so the keyset follows lib/db's sort rules instead of a copy of them; null
 * for any other shape, which then takes the one-pass path.
 */
function orderColumns(orderBy: OperationNode | undefined): { columns: string[]; desc: boolean } | null {
  const items = (
    orderBy as
      | {
          items?: {
            orderBy?: { column?: { column?: { name?: unknown } } };
            direction?: { sqlFragments?: readonly string[] };
          }[];
        }
      | undefined
  )?.items;
  if (!items?.length) return null;
  const columns: string[] = [];
  const dirs = new Set<string>();
  for (const item of items) {
    const name = item.orderBy?.column?.column?.name;
    const dir = item.direction?.sqlFragments?.join("").trim().toLowerCase() ?? "asc";
    if (typeof name !== "string" || (dir !== "asc" && dir !== "desc")) return null;
    columns.push(name);
    dirs.add(dir);
  }
  // ORDER BY "name" means the select's replace(name, …) alias, which a WHERE on "name" would not
  // see: no keyset on it (no index serves that sort anyway).
  if (dirs.size !== 1 || columns.at(-1) !== "id" || columns.includes("name")) return null;
  return { columns, desc: dirs.has("desc") };
}

interface Paging {
  first: CompiledQuery;
  /** `first` continued after a key: its last `keyIndexes.length` parameters are that key. */
  next: CompiledQuery;
  /** Where each sort column is in a row. */
  keyIndexes: number[];
}

/**
 * The SELECT of an export, its COUNT, and the same SELECT as keyset pages of `pageRows`. Pages
 * (better-sqlite3 `all()`) cost about 10 % less CPU per row than its iterator, which builds a
 * `{value, done}` object per row through V8's slow C++ API; a keyset (`(sort column, id) > last`)
 * keeps each page an index range, where LIMIT/OFFSET would rescan every earlier row.
 */
function compileSelection(db: Db, selection: ExportSelection, pageRows: number) {
  let qb = db.selectFrom("products").select([
    "id",
    // SEP as a parameter: SQLite spells the character char(31), PostgreSQL chr(31).
    sql<string>`replace(name, ${SEP}, '')`.as("name"),
    "price_cents",
    sql<string>`${CATEGORY_WORDS} || ${SEP} || ${STATUS_WORDS} || ${SEP} || stock`.as("mid"),
    "created_at",
    "updated_at",
  ]);
  if ("ids" in selection) {
    qb = qb.where("id", "in", idRows(db, selection.ids)).orderBy("id");
  } else {
    qb = orderProducts(whereProductFilter(qb, selection.filter), selection.filter.sort);
  }
  const rows = qb.compile();
  const count = db
    .selectFrom(qb.clearOrderBy().as("sel"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .compile();

  let paging: Paging | null = null;
  const order = orderColumns(qb.toOperationNode().orderBy);
  // An id list is matched through json_each, which each page would parse again: one pass instead.
  if (order && !("ids" in selection)) {
    const extra = order.columns.filter((c) => !(c in RAW_COLUMNS));
    const keyed = qb.select(extra.map((c) => sql.ref(c).as(`key_${c}`)));
    const keyIndexes = order.columns.map((c) => RAW_COLUMNS[c] ?? 6 + extra.indexOf(c));
    const after = sql<boolean>`(${sql.join(order.columns.map((c) => sql.ref(c)))}) ${sql.raw(order.desc ? "<" : ">")} (${sql.join(order.columns.map(() => null))})`;
    paging = {
      first: keyed.limit(sql.lit(pageRows)).compile(),
      next: keyed.where(after).limit(sql.lit(pageRows)).compile(),
      keyIndexes,
    };
  }
  return { rows, count, paging };
}

/**
 * The selection's rows, `pageRows` at a time. Keyset pages when SQLite can walk them in index
 * order; otherwise (an id list, or a filter and sort no index serves together, where each page
 * would sort every match again) one iterator over the whole SELECT, cut into pages here.
 */
function* readPages(
  ro: SQLite.Database,
  q: ReturnType<typeof compileSelection>,
  pageRows: number,
): Generator<SqlRow[]> {
  const paging = q.paging;
  if (paging) {
    const keyCount = paging.keyIndexes.length;
    const base = paging.next.parameters.slice(0, -keyCount);
    const plan = ro.prepare(`explain query plan ${paging.next.sql}`).all(...paging.next.parameters) as {
      detail: string;
    }[];
    if (!plan.some((p) => p.detail.includes("TEMP B-TREE"))) {
      const next = ro.prepare(paging.next.sql).raw(true);
      let page = ro
        .prepare(paging.first.sql)
        .raw(true)
        .all(...paging.first.parameters) as SqlRow[];
      while (page.length) {
        yield page;
        if (page.length < pageRows) return;
        const last = page[page.length - 1]!;
        page = next.all(...base, ...paging.keyIndexes.map((i) => last[i])) as SqlRow[];
      }
      return;
    }
  }
  let page: SqlRow[] = [];
  for (const row of ro
    .prepare(q.rows.sql)
    .raw(true)
    .iterate(...q.rows.parameters) as IterableIterator<SqlRow>) {
    page.push(row);
    if (page.length < pageRows) continue;
    yield page;
    page = [];
  }
  if (page.length) yield page;
}

/** Finished CSV bytes (CRLF-ended lines) and how many rows they hold. */
interface CsvChunk {
  bytes: Buffer;
  rows: number;
}

/** An open snapshot of the selection: its row count and its CSV lines, a chunk at a time. */
interface RowSource {
  total: number;
  chunks: Iterable<CsvChunk> | AsyncIterable<CsvChunk>;
  close(): Promise<void>;
}

/** SQLite: a private read-only connection in one read transaction, pages as readPages() cuts them. */
async function openSqliteSource(db: Db, q: ReturnType<typeof compileSelection>, pageRows: number): Promise<RowSource> {
  const ro = new SQLite(await databaseFileOf(db), { readonly: true, fileMustExist: true });
  try {
    ro.pragma("busy_timeout = 5000");
    ro.exec("begin");
    const total = Number((ro.prepare(q.count.sql).get(...q.count.parameters) as { n: number }).n);
    function* chunks(): Generator<CsvChunk> {
      for (const page of readPages(ro, q, pageRows)) yield { bytes: csvBytes(page.map(toCsvRow)), rows: page.length };
    }
    return { total, chunks: chunks(), close: async () => void ro.close() };
  } catch (e) {
    ro.close();
    throw e;
  }
}

/**
 * PostgreSQL's SELECT for COPY: the same rows in the same order as compileSelection's, the
 * category and status already in words, the other cells raw. COPY's text format writes them
 * (backslash-escaped, `,` between cells, `\n` after each row) and csvLineOfCopyRow finishes each
 * line with this file's own formatCents and formatLocalDateTime, as SQLite's rows are (the
 * server's to_timestamp and numeric output cost it more than the whole COPY of the raw table).
 */
function compileCopySelection(db: Db, selection: ExportSelection): CompiledQuery {
  const qb = db.selectFrom("products").select([
    "id",
    // As compileSelection has it, so ORDER BY "name" sorts the same strings on both engines.
    sql<string>`replace(name, ${SEP}, '')`.as("name"),
    "price_cents",
    CATEGORY_WORDS.as("category_words"),
    STATUS_WORDS.as("status_words"),
    "stock",
    "created_at",
    "updated_at",
  ]);
  return (
    "ids" in selection
      ? qb.where("id", "in", idRows(db, selection.ids)).orderBy("id")
      : orderProducts(whereProductFilter(qb, selection.filter), selection.filter.sort)
  ).compile();
}

/**
 * Bytes that may make papaparse change a name (lib/export/csv.ts, csvLines): anywhere, `"` `,`
 * U+FEFF (EF BB BF) and `\` (COPY's escape:
 * a CR, LF or tab, or a backslash); first, a space or one of FORMULA_START's = + - @ (its tab and
 * CR arrive as `\t`, `\r`); last, a space. A name with none is copied as it is; any other goes
 * through papaparse itself, so the quoting rules live only in csv.ts. Keep this a superset of
 * what csv.ts quotes or escapes (the same-bytes test in tests/integration/postgres.test.ts has a
 * name for each).
 */
const SPECIAL_FIRST = new Uint8Array(256);
for (const c of " =+-@") SPECIAL_FIRST[c.charCodeAt(0)] = 1;

const COPY_ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c, 0x76: 0x0b };

/** A cell's text from COPY text format, unescaped (`\n` `\r` `\t` `\b` `\f` `\v`, else the byte itself). */
function copyTextValue(bytes: Buffer): string {
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i]!;
    if (c === 0x5c && i + 1 < bytes.length) {
      c = bytes[++i]!;
      c = COPY_ESCAPES[c] ?? c;
    }
    out[n++] = c;
  }
  return out.toString("utf8", 0, n);
}

/** The whole number written in `row[from, to)` (digits, maybe a leading `-`). */
function intAt(row: Buffer, from: number, to: number): number {
  const negative = row[from] === 0x2d;
  let n = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) n = n * 10 + row[i]! - 0x30;
  return negative ? -n : n;
}

/**
 * `src[from, to)` into `out` at `at`; returns the end. A row's runs are a few to a few dozen bytes,
 * where Buffer#copy's call into C++ cost more than the bytes (a fifth of the export's CPU).
 */
function copyBytes(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) out[at++] = src[i]!;
  return at;
}

/** Where the commas before price, category, status, stock, created and updated are in a row. */
const COMMAS = new Int32Array(6);

/**
 * One COPY text row (`id,name,price_cents,category,status,stock,created_at,updated_at\n`) appended
 * to `out` at `at` as the line SQLite's path writes for the same row; returns the new end, or -1
 * when `out` has no room. The cells after the name hold no comma, so they are found from the end.
 */
function csvLineOfCopyRow(row: Buffer, out: Buffer, at: number): number {
  const end = row.length - 1; // the row's \n
  const commas = COMMAS;
  for (let i = end, k = 5; k >= 0;) if (row[--i] === 0x2c) commas[k--] = i;
  let a = 0;
  while (row[a] !== 0x2c) a++;
  a++; // the name is row[a, commas[0])
  const b = commas[0]!;
  let plain = b === a || (SPECIAL_FIRST[row[a]!] === 0 && row[b - 1] !== 0x20);
  for (let i = a; plain && i < b; i++) {
    const c = row[i]!;
    if (c === 0x22 || c === 0x2c || c === 0x5c || (c === 0xef && row[i + 1] === 0xbb && row[i + 2] === 0xbf))
      plain = false;
  }
  const name = plain ? null : Buffer.from(csvLines([[copyTextValue(row.subarray(a, b))]]).slice(0, -2), "utf8");
  // ASCII past the name. The price's digits are PostgreSQL's int8 text (no sign: CHECK ≥ 0, no
  // leading zero), which formatCents would write as its digits with a point before the last two.
  const priceFrom = b + 1;
  const priceDigits = commas[1]! - priceFrom;
  const middle = commas[4]! + 1 - commas[1]!; // ",category,status,stock,"
  // Room for the longest of each: a signed price, and dates past year 9999 (19 characters otherwise).
  const size = a + (name ? name.length : b - a) + 1 + priceDigits + 4 + middle + 2 * 32 + 1 + 2;
  if (at + size > out.length) return -1;
  let p = copyBytes(row, 0, a, out, at);
  p = name ? copyBytes(name, 0, name.length, out, p) : copyBytes(row, a, b, out, p);
  out[p++] = 0x2c;
  if (row[priceFrom] === 0x2d) {
    const price = formatCents(intAt(row, priceFrom, commas[1]!));
    for (let i = 0; i < price.length; i++) out[p++] = price.charCodeAt(i);
  } else {
    const point = commas[1]! - 2;
    if (priceDigits < 3) {
      out[p++] = 0x30; // 5 → 0.05, 42 → 0.42
      out[p++] = 0x2e;
      if (priceDigits === 1) out[p++] = 0x30;
    }
    for (let i = priceFrom; i < commas[1]!; i++) {
      if (i === point && priceDigits >= 3) out[p++] = 0x2e;
      out[p++] = row[i]!;
    }
  }
  p = copyBytes(row, commas[1]!, commas[4]! + 1, out, p);
  p = writeLocalDateTime(intAt(row, commas[4]! + 1, commas[5]!), out, p);
  out[p++] = 0x2c;
  p = writeLocalDateTime(intAt(row, commas[5]! + 1, end), out, p);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

/**
 * Bytes per chunk handed to the storage, at most: 2,000 demo rows. A chunk is one write and one
 * wait for the storage to drain, and those waits, not the rows, bounded the export with 64 KB
 * chunks (the server sat paused for 1.7 of 4 s). The chunks are Buffers outside V8's heap, not
 * the strings the SQLite path's 500-row limit is about.
 */
const COPY_CHUNK_BYTES = 256 * 1024;
/** Rows per chunk when the caller gives none: about COPY_CHUNK_BYTES of demo rows. */
const COPY_CHUNK_ROWS = 2_000;
/** Chunks waiting for the storage before the server is paused. */
const COPY_QUEUE = 4;

/**
 * PostgreSQL: one pooled connection in a read-only REPEATABLE READ transaction (one snapshot for
 * the count and the rows) and one `COPY (SELECT …) TO STDOUT` streaming every row. COPY, not a
 * cursor: the server writes each row's text straight into its output, and this process copies
 * bytes instead of building JS strings and arrays per cell, then serialising them again (a cursor
 * read with pg, then papaparse, ran at 0.15× `psql \copy`, most of it in pg's row parsing).
 */
async function openPostgresSource(
  pool: pg.Pool,
  db: Db,
  selection: ExportSelection,
  countSql: CompiledQuery,
  chunkRows: number,
): Promise<RowSource> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("begin isolation level repeatable read read only");
    // Local to the transaction, so the pooled connection is left as it was: JIT's compile time
    // is not won back on a plain scan.
    await client.query("set local jit = off");
    const count = await client.query<{ n: number }>(countSql.sql, [...countSql.parameters]);
    const select = compileCopySelection(db, selection);
    const text = `copy (${inlineParameters(select.sql, select.parameters, (s) => client.escapeLiteral(s))}) to stdout with (delimiter ',')`;

    async function* chunks(): AsyncGenerator<CsvChunk> {
      const ready: CsvChunk[] = [];
      let out = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
      let at = 0;
      let rows = 0;
      let wake: (() => void) | undefined;
      const flush = () => {
        ready.push({ bytes: out.subarray(0, at), rows });
        out = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
        at = 0;
        rows = 0;
        wake?.();
      };
      const copy = new CopyOut(text, (row) => {
        let next = csvLineOfCopyRow(row, out, at);
        if (next < 0) {
          flush();
          // A row longer than a chunk (a 200-character name is not) gets a chunk of its own size.
          if (row.length * 3 + 16 > out.length) out = Buffer.allocUnsafe(row.length * 3 + 16);
          next = csvLineOfCopyRow(row, out, at);
        }
        at = next;
        if (++rows === chunkRows) flush();
        return ready.length < COPY_QUEUE;
      });
      let finished = false;
      void copy.done.then(
        () => {
          if (at) flush();
          finished = true;
          wake?.();
        },
        () => {
          finished = true;
          wake?.();
        },
      );
      client.query(copy);
      try {
        for (;;) {
          const chunk = ready.shift();
          if (chunk) {
            if (ready.length < COPY_QUEUE) copy.resume();
            yield chunk;
            continue;
          }
          if (finished) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        // Left mid-COPY (the storage failed): the server is still sending rows no one reads, and a
        // rollback would queue behind them; the connection is closed instead of returned.
        if (!finished) broken = new Error("the export stopped during its COPY");
      }
      await copy.done.catch((e: Error) => {
        broken = e;
        throw e;
      });
    }
    return {
      total: Number(count.rows[0]!.n),
      chunks: chunks(),
      async close() {
        if (!broken) await client.query("rollback").catch((e: Error) => (broken = e));
        client.release(broken);
      },
    };
  } catch (e) {
    await client.query("rollback").catch(() => undefined);
    client.release();
    throw e;
  }
}

/** Runs the export into a new file; throws (leaving no file behind) when anything fails. */
export async function runProductExport(opts: ProductExportOptions): Promise<ProductExportResult> {
  const storage = opts.storage ?? (opts.dir !== undefined ? new FolderStorage(opts.dir) : exportStorage());
  const progressEvery = Math.max(1, opts.progressEvery ?? 10_000);
  const pool = postgresPoolOf(opts.db);
  // SQLite: 500 rows ≈ 50 KB of text, below V8's large-object threshold, whose strings only a
  // full GC frees: peak RSS from 100k to 1M rows grew +48 MiB with 2,000-row chunks, +23 MiB with 500.
  const chunkRows = Math.max(1, opts.chunkRows ?? (pool ? COPY_CHUNK_ROWS : 500));

  const query = compileSelection(opts.db, opts.selection, chunkRows);
  const source = pool
    ? await openPostgresSource(pool, opts.db, opts.selection, query.count, chunkRows)
    : await openSqliteSource(opts.db, query, chunkRows);
  const file = newExportFileName(opts.now?.());
  let upload: Awaited<ReturnType<ExportStorage["begin"]>> | undefined;
  try {
    await startExportRun(opts.db, opts.exportId, { jobId: opts.jobId, rowsTotal: source.total });

    // Named by the export, so a new run of it removes what a killed one left.
    upload = await storage.begin(file, `export-${opts.exportId}`);
    const out = upload.stream;
    const failed = new Promise<never>((_, reject) => out.once("error", reject));
    failed.catch(() => undefined);
    const write = async (data: string | Buffer) => {
      if (!out.write(data)) await Promise.race([once(out, "drain"), failed]);
    };
    await write(BOM + csvLines([productCsvHeader()]));

    let written = 0;
    for await (const chunk of source.chunks) {
      await write(chunk.bytes);
      const before = written;
      written += chunk.rows;
      if (Math.floor(written / progressEvery) > Math.floor(before / progressEvery)) {
        await updateExportProgress(opts.db, opts.exportId, written);
      }
    }
    const size = await Promise.race([upload.commit(), failed]);
    await updateExportProgress(opts.db, opts.exportId, written);
    return { file, path: storage.where(file), rows: written, sizeBytes: size };
  } catch (e) {
    await upload?.abort();
    throw e;
  } finally {
    await source.close();
  }
}
