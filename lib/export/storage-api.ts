/**
 * What the export job, the download route and retention need from the place finished CSVs live
 * (lib/export/storage.ts picks one from `EXPORT_STORAGE`): a folder (storage-folder.ts) or an
 * S3 bucket (storage-s3.ts). Names are export file names (EXPORT_FILE_PATTERN) only.
 */
import type { Readable, Writable } from "node:stream";

/** One finished export in storage. */
export interface StoredExport {
  name: string;
  /** Last write, epoch ms: the age retention goes by. */
  modifiedMs: number;
}

/** An export being written: nothing is visible under its name until commit() resolves. */
export interface ExportUpload {
  /** The CSV's bytes go here, with backpressure; it emits `error` when the storage refuses them. */
  stream: Writable;
  /** Ends the stream and makes the file visible, complete; resolves with its size in bytes. */
  commit(): Promise<number>;
  /** Drops what was written (temp file or multipart upload); never throws. */
  abort(): Promise<void>;
}

export interface ExportStorage {
  /** Where exports live, for messages and logs: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /** Where one export lives (its path, or its `s3://` URL). */
  where(name: string): string;
  /**
   * Fails with one readable line when the storage cannot serve `use`: a worker must be able to
   * write (folder writable, bucket present), a web host to read. Creates nothing.
   */
  check(use: "write" | "read"): Promise<void>;
  /** Starts writing `name`; `tag` names this export's run, so leftovers of an earlier run of it can go. */
  begin(name: string, tag: string): Promise<ExportUpload>;
  /** The export's bytes and size, or null when there is no such export. */
  open(name: string): Promise<{ sizeBytes: number; body: Readable } | null>;
  /** Every finished export (paged through however many there are). */
  list(): AsyncIterable<StoredExport>;
  /** Deletes these exports; resolves with how many were deleted. */
  remove(names: readonly string[]): Promise<number>;
  /** Removes what interrupted runs left (temp files, incomplete uploads) older than `cutoffMs`. */
  pruneLeftovers(cutoffMs: number): Promise<number>;
  /** Releases connections (a CLI command's own storage). */
  close(): void;
}
