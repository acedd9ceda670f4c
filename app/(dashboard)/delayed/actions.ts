"use server";

import { z } from "zod";
import { getConnection } from "@/lib/redis";
import {
  clearDelayed,
  decodePayload,
  delayedItemByRef,
  enqueueDelayedItemNow,
  queuedFormOf,
  removeDelayedItem,
  rescheduleDelayedItem,
  StaleItemError,
} from "@/lib/resque/index";
import { formatTime } from "@/lib/format";
import type { Translate } from "@/lib/i18n";
import { dashboardAction, refuse, storedEntry, type Answer } from "../../action";
import { isTimestamp } from "./data";

/** Whole unix seconds as stored in `delayed_queue_schedule`. */
const timestamp = z
  .number({ error: "delayed.action.invalidTimestamp" })
  .refine(isTimestamp, { error: "delayed.action.invalidTimestamp" });
/** The entry to act on: its stored text or the page's ref (lib/dashboard/action-schema.ts). */
const itemBytes = storedEntry("delayed.action.invalidItem");
type ItemRef = z.infer<typeof itemBytes>;
/**
 * The new time as unix seconds: the browser read the field on its own wall clock and converted it,
 * so no zone is guessed here. A past time means due now.
 */
const newTime = z.unknown().transform((v, ctx) => {
  if (!isTimestamp(v)) ctx.addIssue(refuse("delayed.action.badTime"));
  return isTimestamp(v) ? v : 0;
});

const audit = ([ts, item]: [number, ItemRef, ...unknown[]]) => ({
  target: String(ts),
  items: [typeof item === "string" ? item.slice(0, 500) : item.ref],
});

/**
 * The item's stored text and class for the sentence; an item no longer at that time (or a ref
 * that no longer names it) is said so, not thrown.
 */
async function onItem(
  ts: number,
  item: ItemRef,
  t: Translate,
  perform: (raw: string, cls: string) => Promise<Answer>,
): Promise<Answer> {
  const raw = typeof item === "string" ? item : await delayedItemByRef(getConnection(), ts, item.ref);
  if (raw === null) return { code: "stale", message: t("delayed.action.gone") };
  try {
    return await perform(raw, decodePayload(raw).displayClass ?? "?");
  } catch (e) {
    if (e instanceof StaleItemError) return { code: "stale", message: t("delayed.action.gone") };
    throw e;
  }
}

/** Moves one delayed item to its queue now (RS web's "Enqueue now"), with a fresh id and queue_time. */
export const enqueueDelayedNowAction = dashboardAction({
  action: "delayed.enqueue_now",
  input: z.tuple([timestamp, itemBytes]),
  audit,
  perform: ([ts, item], { t }) =>
    onItem(ts, item, t, async (raw, cls) => {
      const form = queuedFormOf(raw);
      if ("error" in form) return { code: "conflict", message: t("delayed.action.cannotQueue", { error: form.error }) };
      const { queue } = await enqueueDelayedItemNow(getConnection(), ts, raw);
      return { code: "ok", message: t("delayed.action.enqueued", { class: cls, queue }) };
    }),
});

export const removeDelayedAction = dashboardAction({
  action: "delayed.remove",
  input: z.tuple([timestamp, itemBytes]),
  audit,
  perform: ([ts, item], { t }) =>
    onItem(ts, item, t, async (raw, cls) => {
      await removeDelayedItem(getConnection(), ts, raw);
      return { code: "ok", message: t("delayed.action.deleted", { class: cls, time: formatTime(ts * 1000) }) };
    }),
});

/** Moves one item, byte for byte, to `to` (unix seconds); a past time means due now. */
export const rescheduleDelayedAction = dashboardAction({
  action: "delayed.reschedule",
  input: z.tuple([timestamp, itemBytes, newTime]),
  audit,
  perform: ([ts, item, to], { t }) =>
    onItem(ts, item, t, async (raw, cls) => {
      const time = formatTime(to * 1000);
      if (to === ts) return { code: "conflict", message: t("delayed.action.sameTime", { class: cls, time }) };
      await rescheduleDelayedItem(getConnection(), ts, raw, to);
      const past = to * 1000 <= Date.now();
      return {
        code: "ok",
        message: t(past ? "delayed.action.rescheduledPast" : "delayed.action.rescheduled", { class: cls, time }),
      };
    }),
});

/** Deletes every delayed item (RS's "Clear Delayed Jobs"); the page confirms with the count first. */
export const clearDelayedAction = dashboardAction({
  action: "delayed.clear",
  input: z.tuple([]),
  perform: async (_, { t }) => ({
    code: "ok",
    message: t("delayed.action.cleared", { count: await clearDelayed(getConnection()) }),
  }),
});
