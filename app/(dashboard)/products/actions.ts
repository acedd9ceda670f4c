"use server";

import {
  createExport,
  createProduct,
  deleteProducts,
  findMissingIds,
  getDb,
  listForMessage,
  parseIds,
  parseProductFilter,
  setExportJobId,
  updateProduct,
  type ExportSelection,
  type FieldErrors,
} from "@/lib/db";
import { BatchExportJob } from "@/jobs/batch-export-job";
import type { Translate } from "@/lib/i18n";
import { auditedAction } from "../../action";
import { getSession } from "../../auth";
import { getTranslator } from "../../locale";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { ActionResult, FormResult } from "@/lib/dashboard/action-result";

function fieldMessages(t: Translate, errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, p] of Object.entries(errors)) out[field] = t(p!.key, p!.values);
  return out;
}

/**
 * Create (`edit` null) or edit: the problems per field come back beside their fields (nothing
 * written); the audited action carries the sentence. auditedAction answers only `{ok, message}`,
 * so the field messages are kept aside here. The mode is not taken from the id, so a replayed
 * edit with a null id is refused as a bad id instead of creating a product.
 */
async function saveProduct(action: string, edit: { id: unknown } | null, form: unknown): Promise<FormResult> {
  let fields: Record<string, string> | undefined;
  const result = await auditedAction({
    action,
    target: edit ? String(edit.id).slice(0, 40) : null,
    perform: async (t) => {
      const db = await getDb();
      const r = edit ? await updateProduct(db, edit.id, form) : await createProduct(db, form);
      if (!r.ok) {
        fields = fieldMessages(t, r.fieldErrors);
        return { ok: false, message: fields._form ?? fields.ids ?? t("demo.invalid.form") };
      }
      return {
        ok: true,
        message: t(edit ? "demo.products.saved" : "demo.products.created", { id: r.value.id, name: r.value.name }),
      };
    },
    revalidate: ["/products"],
  });
  return fields ? { ...result, fields } : result;
}

export async function createProductAction(form: unknown): Promise<FormResult> {
  return saveProduct("demo.product.create", null, form);
}

export async function updateProductAction(id: unknown, form: unknown): Promise<FormResult> {
  return saveProduct("demo.product.update", { id }, form);
}

/** Deletes the selected products: all of them or, when any id is bad or unknown, none. */
export async function deleteProductsAction(ids: unknown): Promise<ActionResult> {
  return auditedAction({
    action: "demo.product.delete",
    items: Array.isArray(ids) ? ids.slice(0, 1000).map(String) : undefined,
    perform: async (t) => {
      const r = await deleteProducts(await getDb(), ids);
      if (!r.ok) {
        const p = Object.values(r.fieldErrors)[0]!;
        return { ok: false, message: t(p.key, p.values) };
      }
      return { ok: true, message: t("demo.products.deleted", { count: r.value.deleted }) };
    },
    revalidate: ["/products"],
  });
}

/**
 * "Export to CSV": the selected ids, or everything matching the filter (URL params) when none are
 * selected. Creates the export record and enqueues its BatchExportJob, then answers at once; the
 * Exports page follows the progress.
 */
export async function exportProductsAction(input: { ids?: unknown; filter?: unknown }): Promise<ActionResult> {
  const { t } = await getTranslator();
  let selection: ExportSelection | null = null;
  let problem: string | null = null;
  const raw: { ids?: unknown; filter?: unknown } = input && typeof input === "object" ? input : {};
  if (raw.ids !== undefined && !(Array.isArray(raw.ids) && raw.ids.length === 0)) {
    const ids = parseIds(raw.ids);
    if (ids.ok) selection = { ids: ids.value };
    else problem = t(ids.fieldErrors.ids!.key, ids.fieldErrors.ids!.values);
  } else if (!raw.filter || typeof raw.filter !== "object") {
    // The page always sends its filter (`{}` for everything); a missing or scalar one is a
    // malformed request, not a request for every product.
    problem = t("demo.invalid.notAnObject");
  } else {
    const f = parseProductFilter(raw.filter as Record<string, unknown>);
    if (f.ok) selection = { filter: f.value };
    else problem = Object.values(fieldMessages(t, f.fieldErrors))[0]!;
  }
  return auditedAction({
    action: "demo.product.export",
    items: selection && "ids" in selection ? selection.ids.slice(0, 1000) : undefined,
    target: selection && "filter" in selection ? JSON.stringify(selection.filter) : null,
    validate: () => problem,
    perform: async (t) => {
      const db = await getDb();
      if ("ids" in selection!) {
        const missing = await findMissingIds(db, "products", selection.ids);
        if (missing.length) return { ok: false, message: t("demo.products.unknown", { ids: listForMessage(missing) }) };
      }
      const session = await getSession();
      const record = await createExport(db, {
        admin: session ? { id: session.admin.id, email: session.admin.email } : null,
        selection: selection!,
      });
      const job = await queueClient().enqueue(BatchExportJob.queue, BatchExportJob, {
        export_id: record.id,
        user_id: session?.admin.id,
      });
      await setExportJobId(db, record.id, job.id ?? null);
      return { ok: true, message: t("demo.products.exportQueued", { id: record.id }) };
    },
    revalidate: ["/exports"],
  });
}
