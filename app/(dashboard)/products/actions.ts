"use server";

import { z } from "zod";
import {
  createExport,
  deleteProducts,
  findMissingIds,
  getDb,
  insertProduct,
  listForMessage,
  rewriteProduct,
  setExportJobId,
} from "@/lib/db";
import { BatchExportJob } from "@/jobs/batch-export-job";
import type { FormResult } from "@/lib/dashboard/action-result";
import { exportSelection, productForm, productId, productIds } from "@/lib/dashboard/demo-schemas";
import { queueClient } from "@/lib/dashboard/queue-client";
import type { Translate } from "@/lib/i18n";
import { answering, dashboardAction, fieldOf, sentence, type Answer } from "../../action";

/**
 * A product form's refusal: every field's message, to show beside it, and one sentence (the
 * form-wide problem, the id's, or "check the highlighted fields"). A bad id is all that is said
 * when there is one: a form for a product that cannot be addressed is not worth correcting.
 */
function formRefusal(issues: z.core.$ZodIssue[], t: Translate): Answer<FormResult> {
  const byId = issues.filter((i) => fieldOf(i) === "ids");
  const fields: Record<string, string> = {};
  for (const i of byId.length ? byId : issues) fields[fieldOf(i) ?? "_form"] ??= sentence(t, i);
  return { code: "invalid", message: fields._form ?? fields.ids ?? t("demo.invalid.form"), fields };
}

export const createProductAction = answering<FormResult>()({
  action: "demo.product.create",
  input: z.tuple([productForm]),
  invalid: formRefusal,
  perform: async ([form], { t }) => {
    const p = await insertProduct(await getDb(), form);
    return { code: "ok", message: t("demo.products.created", { id: p.id, name: p.name }) };
  },
});

/** The id comes from the page's binding, never from the form: a replayed edit with a null id is a bad id, not a create. */
export const updateProductAction = answering<FormResult>()({
  action: "demo.product.update",
  input: z.tuple([productId, productForm]),
  audit: ([id]) => ({ target: String(id) }),
  invalid: formRefusal,
  perform: async ([id, form], { t }) => {
    const p = await rewriteProduct(await getDb(), id, form);
    if (!p) {
      const message = t("demo.product.notFound", { id });
      return { code: "stale", message, fields: { _form: message } };
    }
    return { code: "ok", message: t("demo.products.saved", { id: p.id, name: p.name }) };
  },
});

/** Deletes the selected products: all of them or, when any id is unknown, none. */
export const deleteProductsAction = dashboardAction({
  action: "demo.product.delete",
  input: z.tuple([productIds]),
  audit: ([ids]) => ({ items: ids }),
  perform: async ([ids], { t }) => {
    const r = await deleteProducts(await getDb(), ids);
    if (!r.ok) {
      const p = Object.values(r.fieldErrors)[0]!;
      return { code: "invalid", message: t(p.key, p.values) };
    }
    return { code: "ok", message: t("demo.products.deleted", { count: r.value.deleted }) };
  },
});

/**
 * "Export to CSV": the selected ids, or everything matching the filter (URL params) when none are
 * selected. Creates the export record and enqueues its BatchExportJob, then answers at once; the
 * Exports page follows the progress.
 */
export const exportProductsAction = dashboardAction({
  action: "demo.product.export",
  input: z.tuple([exportSelection]),
  audit: ([s]) => (s.by === "ids" ? { items: s.ids } : { target: JSON.stringify(s.filter) }),
  perform: async ([s], { t, session }) => {
    const db = await getDb();
    if (s.by === "ids") {
      const missing = await findMissingIds(db, "products", s.ids);
      if (missing.length)
        return { code: "invalid", message: t("demo.products.unknown", { ids: listForMessage(missing) }) };
    }
    const record = await createExport(db, {
      admin: { id: session.admin.id, email: session.admin.email },
      selection: s.by === "ids" ? { ids: s.ids } : { filter: s.filter },
    });
    const job = await queueClient().enqueue(BatchExportJob.queue, BatchExportJob, {
      export_id: record.id,
      user_id: session.admin.id,
    });
    await setExportJobId(db, record.id, job.id ?? null);
    return { code: "ok", message: t("demo.products.exportQueued", { id: record.id }) };
  },
});
