"use server";

import { redirect } from "next/navigation";
import { getConnection } from "@/lib/redis";
import {
  assertScheduleName,
  deleteSchedule,
  getSchedule,
  InvalidScheduleError,
  runScheduleNow,
  saveSchedule,
  setScheduleEnabled,
  type ScheduleInput,
} from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import { auditedAction } from "../../action";
import { checkScheduleForm, scheduleProblem } from "./form";
import type { ScheduleFormField } from "@/lib/dashboard/contracts";
import type { ActionResult, ScheduleFormResult } from "@/lib/dashboard/action-result";

function validName(name: unknown): name is string {
  try {
    assertScheduleName(name);
    return true;
  } catch {
    return false;
  }
}

/** Every list action: a valid name, one engine call; "no such entry" and the engine's refusals (legacy entries) are said, not thrown. */
function scheduleAction(
  action: string,
  name: string,
  perform: (t: Translate) => Promise<ActionResult>,
): Promise<ActionResult> {
  return auditedAction({
    action,
    target: validName(name) ? name : null,
    validate: (t) => (validName(name) ? null : t("schedules.action.invalidName")),
    perform: async (t) => {
      try {
        return await perform(t);
      } catch (e) {
        if (e instanceof InvalidScheduleError) return { ok: false, message: scheduleProblem(t, e) };
        throw e;
      }
    },
    revalidate: ["/schedules"],
  });
}

/** Enqueues one job from the schedule now (RS web's "Queue now"); its regular firing is unaffected. */
export async function runScheduleNowAction(name: string): Promise<ActionResult> {
  return scheduleAction("schedule.run", name, async (t) => {
    const fired = await runScheduleNow(getConnection(), name);
    return fired
      ? { ok: true, message: t("schedules.action.ran", { name, class: fired.class, queue: fired.queue }) }
      : { ok: false, message: t("schedules.action.gone", { name }) };
  });
}

export async function setScheduleEnabledAction(name: string, enabled: boolean): Promise<ActionResult> {
  return scheduleAction(enabled ? "schedule.enable" : "schedule.disable", name, async (t) => {
    if (!(await setScheduleEnabled(getConnection(), name, enabled === true)))
      return { ok: false, message: t("schedules.action.gone", { name }) };
    return { ok: true, message: t(enabled ? "schedules.action.enabled" : "schedules.action.disabled", { name }) };
  });
}

export async function deleteScheduleAction(name: string): Promise<ActionResult> {
  return scheduleAction("schedule.delete", name, async (t) => {
    if (!(await deleteSchedule(getConnection(), name)))
      return { ok: false, message: t("schedules.action.gone", { name }) };
    return { ok: true, message: t("schedules.action.deleted", { name }) };
  });
}

/**
 * Creates or edits a schedule from the form. Bad input answers the field to mark and a sentence,
 * and stores nothing; success goes back to the list, which says it was saved.
 */
export async function saveScheduleAction(mode: "create" | "edit", form: unknown): Promise<ScheduleFormResult> {
  let field: ScheduleFormField | undefined;
  let input: ScheduleInput | undefined;
  const result = await auditedAction({
    action: mode === "edit" ? "schedule.edit" : "schedule.create",
    target: validName((form as { name?: unknown } | null)?.name) ? (form as { name: string }).name : null,
    validate: (t) => {
      const checked = checkScheduleForm(form, t);
      if ("input" in checked) {
        input = checked.input;
        return null;
      }
      field = checked.field;
      return checked.message;
    },
    perform: async (t) => {
      const conn = getConnection();
      const name = input!.name;
      try {
        if (mode === "edit") {
          const existing = await getSchedule(conn, name);
          if (!existing) return { ok: false, message: t("schedules.action.gone", { name }) };
          if (existing.source === "legacy") return { ok: false, message: t("schedules.form.legacy") };
        }
        await saveSchedule(conn, input!, { create: mode === "create" });
        return { ok: true, message: t("schedules.saved", { name }) };
      } catch (e) {
        if (!(e instanceof InvalidScheduleError)) throw e;
        field = e.field;
        return { ok: false, message: scheduleProblem(t, e) };
      }
    },
    revalidate: ["/schedules"],
  });
  if (result.ok) redirect(`/schedules?saved=${encodeURIComponent(input!.name)}`);
  return { ...result, field };
}
