/** Tables of the CRUD demo (migration 002), in the conventions of ./types.ts. */
import type { ColumnType, Generated } from "kysely";

type CreatedAt = ColumnType<number, number | undefined, never>;

export type ProductStatus = "active" | "draft" | "archived";
export type UserStatus = "active" | "disabled";
export type RecipientType = "user" | "admin";
export type ExportStatus = "queued" | "running" | "done" | "failed";

export interface ProductsTable {
  id: Generated<number>;
  name: string;
  price_cents: number;
  category: string;
  status: ProductStatus;
  stock: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<number>;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  status: UserStatus;
  created_at: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<number>;
  recipient_type: RecipientType;
  recipient_id: number;
  message: string;
  download_url: string | null;
  read_at: number | null;
  /** Unique: the Resque job id that wrote it, so a re-run writes nothing new. */
  job_id: string | null;
  created_at: CreatedAt;
  /** A lib/i18n key and its JSON values (migration 003): drawn in the reader's language; `message` stays English. */
  message_key: ColumnType<string | null, string | null | undefined, string | null>;
  message_vars: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ExportsTable {
  id: Generated<number>;
  admin_id: number | null;
  admin_email: string | null;
  /** JSON of the ProductFilter (or the selected ids) the export was asked for. */
  filters: string;
  status: ExportStatus;
  rows_written: Generated<number>;
  rows_total: number | null;
  /** Base name in the export folder, set when done. */
  file: string | null;
  size_bytes: number | null;
  error: string | null;
  job_id: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  started_at: number | null;
  finished_at: number | null;
}
