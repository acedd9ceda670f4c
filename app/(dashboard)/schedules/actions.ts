"use server";

import { z } from "zod";
import { getConnection } from "@/lib/redis";
import {
  assertScheduleName,
  deleteSchedule,
  getSchedule,
  InvalidScheduleError,
  runScheduleNow,
  saveSchedule,
  setScheduleEnabled,
} from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import type { ScheduleFormResult } from "@/lib/dashboard/action-result";
import { answering, dashboardAction, fieldOf, refuse, sentence, withField, type Answer } from "../../action";
import { jobRegistry } from "@/lib/dashboard/job-registry";
import type { ScheduleFormField } from "@/lib/dashboard/contracts";
import { readScheduleForm, scheduleProblem } from "./form";

function isScheduleName(name: string): boolean {
  try {
    assertScheduleName(name);
    return true;
  } catch {
    return false;
  }
}

const scheduleName = z
  .string({ error: "schedules.action.invalidName" })
  .refine(isScheduleName, { error: "schedules.action.invalidName" });

/** The form's values → the engine's input, or one issue per refused field (see readScheduleForm). */
const scheduleForm = z.unknown().transform((form, ctx) => {
  const r = readScheduleForm(form, jobRegistry());
  if ("input" in r) return r.input;
  for (const { field, problem: p } of r.problems)
    ctx.addIssue("key" in p ? refuse(p.key, p.values, field) : refuse(p.text, {}, field));
  return z.NEVER;
});

/** The form's refusal: every field's sentence, to show beside each; the first also as `field`. */
function fieldsRefusal(issues: z.core.$ZodIssue[], t: Translate): Answer<ScheduleFormResult> {
  const first = withField<ScheduleFormResult>(issues, t);
  const fields: ScheduleFormResult["fields"] = {};
  for (const i of issues) {
    const f = fieldOf(i) as ScheduleFormField | undefined;
    if (f) fields[f] ??= sentence(t, i);
  }
  return { ...first, fields };
}

/** "No such entry" and the engine's refusals (legacy entries) are said, not thrown. */
async function onSchedule(t: Translate, perform: () => Promise<Answer>): Promise<Answer> {
  try {
    return await perform();
  } catch (e) {
    if (e instanceof InvalidScheduleError) return { code: "conflict", message: scheduleProblem(t, e) };
    throw e;
  }
}

/** Enqueues one job from the schedule now (RS web's "Queue now"); its regular firing is unaffected. */
export const runScheduleNowAction = dashboardAction({
  action: "schedule.run",
  input: z.tuple([scheduleName]),
  audit: ([name]) => ({ target: name }),
  perform: ([name], { t }) =>
    onSchedule(t, async () => {
      const fired = await runScheduleNow(getConnection(), name);
      return fired
        ? { code: "ok", message: t("schedules.action.ran", { name, class: fired.class, queue: fired.queue }) }
        : { code: "stale", message: t("schedules.action.gone", { name }) };
    }),
});

export const setScheduleEnabledAction = dashboardAction({
  action: (input) => (input?.[1] ? "schedule.enable" : "schedule.disable"),
  // Anything but `true` disables, as the engine reads it.
  input: z.tuple([scheduleName, z.unknown().transform((v) => v === true)]),
  audit: ([name]) => ({ target: name }),
  perform: ([name, enabled], { t }) =>
    onSchedule(t, async () =>
      (await setScheduleEnabled(getConnection(), name, enabled))
        ? { code: "ok", message: t(enabled ? "schedules.action.enabled" : "schedules.action.disabled", { name }) }
        : { code: "stale", message: t("schedules.action.gone", { name }) },
    ),
});

export const deleteScheduleAction = dashboardAction({
  action: "schedule.delete",
  input: z.tuple([scheduleName]),
  audit: ([name]) => ({ target: name }),
  perform: ([name], { t }) =>
    onSchedule(t, async () =>
      (await deleteSchedule(getConnection(), name))
        ? { code: "ok", message: t("schedules.action.deleted", { name }) }
        : { code: "stale", message: t("schedules.action.gone", { name }) },
    ),
});

/**
 * Creates or edits a schedule from the form. Bad input answers the field to mark and a sentence,
 * and stores nothing; success goes back to the list, which says it was saved.
 */
export const saveScheduleAction = answering<ScheduleFormResult>()({
  action: (input) => (input?.[0] === "edit" ? "schedule.edit" : "schedule.create"),
  input: z.tuple([z.enum(["create", "edit"]).catch("create"), scheduleForm]),
  invalid: fieldsRefusal,
  audit: ([, input]) => ({ target: input.name }),
  perform: async ([mode, input], { t }) => {
    const conn = getConnection();
    const name = input.name;
    try {
      if (mode === "edit") {
        const existing = await getSchedule(conn, name);
        if (!existing) return { code: "stale", message: t("schedules.action.gone", { name }) };
        if (existing.source === "legacy") return { code: "conflict", message: t("schedules.form.legacy") };
      }
      await saveSchedule(conn, input, { create: mode === "create", registry: jobRegistry(), allowUnknownClass: true });
      return { code: "ok", message: t("schedules.saved", { name }) };
    } catch (e) {
      if (!(e instanceof InvalidScheduleError)) throw e;
      const message = scheduleProblem(t, e);
      return { code: "conflict", message, field: e.field, fields: { [e.field]: message } };
    }
  },
  redirect: ([, input]) => `/schedules?saved=${encodeURIComponent(input.name)}`,
});
