/**
 * CSV export records: who asked, for which rows, and how far the BatchExportJob got. The job
 * moves a record queued → running → done | failed and writes its progress as it goes; a run
 * interrupted by a killed worker starts over (`attempts` counts the runs).
 */
import { EXPORT_URL_PREFIX } from "../export/url";
import type { ExportStatus } from "./demo-types";
import type { ProductFilter } from "./products";
import type { Db } from "./types";

/** What to export: everything matching a filter, or the selected ids (in id order). */
export type ExportSelection = { filter: ProductFilter } | { ids: number[] };

export interface ExportRecord {
  id: number;
  adminId: number | null;
  adminEmail: string | null;
  selection: ExportSelection;
  status: ExportStatus;
  rowsWritten: number;
  rowsTotal: number | null;
  /** Base name in the export folder once done; the download URL is `/uploads/export/<file>`. */
  file: string | null;
  sizeBytes: number | null;
  error: string | null;
  jobId: string | null;
  attempts: number;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
}

export interface ExportPage {
  items: ExportRecord[];
  total: number;
  page: number;
  perPage: number;
}

const MAX_ERROR_LENGTH = 2000;

function parseSelection(text: string): ExportSelection {
  try {
    const v = JSON.parse(text) as ExportSelection;
    if (v && typeof v === "object" && ("ids" in v || "filter" in v)) return v;
  } catch {
    // written by us, so only a hand-edited row gets here
  }
  return { filter: {} };
}

function toRecord(r: {
  id: number;
  admin_id: number | null;
  admin_email: string | null;
  filters: string;
  status: ExportStatus;
  rows_written: number;
  rows_total: number | null;
  file: string | null;
  size_bytes: number | null;
  error: string | null;
  job_id: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}): ExportRecord {
  return {
    id: r.id,
    adminId: r.admin_id,
    adminEmail: r.admin_email,
    selection: parseSelection(r.filters),
    status: r.status,
    rowsWritten: r.rows_written,
    rowsTotal: r.rows_total,
    file: r.file,
    sizeBytes: r.size_bytes,
    error: r.error,
    jobId: r.job_id,
    attempts: r.attempts,
    createdAtMs: r.created_at,
    startedAtMs: r.started_at,
    finishedAtMs: r.finished_at,
  };
}

/** The download URL of a finished export's file, as the PHP original builds it. */
export function exportDownloadUrl(file: string): string {
  return `${EXPORT_URL_PREFIX}${file}`;
}

export async function createExport(
  db: Db,
  input: {
    admin: { id: number; email?: string | null } | null;
    selection: ExportSelection;
    jobId?: string | null;
    now?: () => number;
  },
): Promise<ExportRecord> {
  const row = await db
    .insertInto("exports")
    .values({
      admin_id: input.admin?.id ?? null,
      admin_email: input.admin?.email ?? null,
      filters: JSON.stringify(input.selection),
      status: "queued",
      job_id: input.jobId ?? null,
      created_at: (input.now ?? Date.now)(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export async function getExport(db: Db, id: number): Promise<ExportRecord | null> {
  const row = await db.selectFrom("exports").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The record a job created for itself (a producer that sent no export_id), so a re-run reuses it. */
export async function findExportByJobId(db: Db, jobId: string): Promise<ExportRecord | null> {
  const row = await db.selectFrom("exports").selectAll().where("job_id", "=", jobId).orderBy("id").executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Newest first; `adminId` narrows to one admin's exports. Two indexed queries. */
export async function listExports(
  db: Db,
  opts: { page?: number; perPage?: number; adminId?: number } = {},
): Promise<ExportPage> {
  const perPage = Math.min(100, Math.max(1, Math.trunc(Number(opts.perPage ?? 20)) || 20));
  const page = Math.max(1, Math.trunc(Number(opts.page ?? 1)) || 1);
  let base = db.selectFrom("exports");
  if (opts.adminId !== undefined) base = base.where("admin_id", "=", opts.adminId);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy("id", "desc")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
  ]);
  return { items: rows.map(toRecord), total: Number(count.n), page, perPage };
}

export async function setExportJobId(db: Db, id: number, jobId: string | null): Promise<void> {
  await db.updateTable("exports").set({ job_id: jobId }).where("id", "=", id).execute();
}

/** A run starts (again): progress back to zero, the count of rows to write, one more attempt. */
export async function startExportRun(
  db: Db,
  id: number,
  input: { jobId?: string | null; rowsTotal: number; now?: () => number },
): Promise<ExportRecord | null> {
  const row = await db
    .updateTable("exports")
    .set((eb) => ({
      status: "running",
      rows_written: 0,
      rows_total: input.rowsTotal,
      file: null,
      size_bytes: null,
      error: null,
      job_id: input.jobId ?? eb.ref("job_id"),
      attempts: eb("attempts", "+", 1),
      started_at: (input.now ?? Date.now)(),
      finished_at: null,
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function updateExportProgress(db: Db, id: number, rowsWritten: number): Promise<void> {
  await db
    .updateTable("exports")
    .set({ rows_written: rowsWritten })
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
}

export async function finishExport(
  db: Db,
  id: number,
  input: { file: string; sizeBytes: number; rowsWritten: number; now?: () => number },
): Promise<void> {
  await db
    .updateTable("exports")
    .set({
      status: "done",
      file: input.file,
      size_bytes: input.sizeBytes,
      rows_written: input.rowsWritten,
      rows_total: input.rowsWritten,
      error: null,
      finished_at: (input.now ?? Date.now)(),
    })
    .where("id", "=", id)
    .execute();
}

export async function failExport(db: Db, id: number, error: string, now: () => number = Date.now): Promise<void> {
  await db
    .updateTable("exports")
    .set({ status: "failed", error: error.slice(0, MAX_ERROR_LENGTH), finished_at: now() })
    .where("id", "=", id)
    .execute();
}

/**
 * A failed export back to `queued` for its retry button; null when it is not failed (a double
 * click, or it was retried from the Failed page meanwhile), so it is enqueued once.
 */
export async function requeueExport(db: Db, id: number, jobId?: string | null): Promise<ExportRecord | null> {
  const row = await db
    .updateTable("exports")
    .set((eb) => ({
      status: "queued",
      error: null,
      rows_written: 0,
      finished_at: null,
      job_id: jobId ?? eb.ref("job_id"),
    }))
    .where("id", "=", id)
    .where("status", "=", "failed")
    .returningAll()
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Deletes records created before `cutoffMs`, returning their file names (the caller removes the
 * files). Running ones go too: no export runs for days, so one that says so lost its job.
 */
export async function deleteExportsBefore(db: Db, cutoffMs: number): Promise<{ id: number; file: string | null }[]> {
  const rows = await db.deleteFrom("exports").where("created_at", "<", cutoffMs).returning(["id", "file"]).execute();
  return rows;
}
