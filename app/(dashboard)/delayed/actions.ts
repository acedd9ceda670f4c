"use server";

import { getConnection } from "@/lib/redis";
import {
  clearDelayed,
  decodePayload,
  enqueueDelayedItemNow,
  queuedFormOf,
  removeDelayedItem,
  rescheduleDelayedItem,
  StaleItemError,
} from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import { formatTime } from "@/lib/format";
import { auditedAction } from "../../action";
import { isTimestamp, parseUtcInput } from "./data";
import type { ActionResult } from "@/lib/dashboard/action-result";

const MAX_RAW = 1 << 20;

/**
 * Every per-item action: a sane timestamp and the item's exact stored bytes (≤ 1 MiB), else a
 * message and nothing changed; an item no longer at that time is said so, not thrown.
 */
function itemAction(
  action: string,
  timestamp: number,
  raw: string,
  perform: (t: Translate, cls: string) => Promise<ActionResult>,
  extraInvalid?: (t: Translate) => string | null,
): Promise<ActionResult> {
  const validRaw = typeof raw === "string" && raw.length > 0 && raw.length <= MAX_RAW;
  return auditedAction({
    action,
    target: isTimestamp(timestamp) ? String(timestamp) : null,
    items: validRaw ? [raw.slice(0, 500)] : undefined,
    validate: (t) => {
      if (!isTimestamp(timestamp)) return t("delayed.action.invalidTimestamp");
      if (!validRaw) return t("delayed.action.invalidItem");
      return extraInvalid?.(t) ?? null;
    },
    perform: async (t) => {
      try {
        return await perform(t, decodePayload(raw).displayClass ?? "?");
      } catch (e) {
        if (e instanceof StaleItemError) return { ok: false, message: t("delayed.action.gone") };
        throw e;
      }
    },
    revalidate: ["/delayed"],
  });
}

/** Moves one delayed item to its queue now (RS web's "Enqueue now"), with a fresh id and queue_time. */
export async function enqueueDelayedNowAction(timestamp: number, raw: string): Promise<ActionResult> {
  return itemAction("delayed.enqueue_now", timestamp, raw, async (t, cls) => {
    const form = queuedFormOf(raw);
    if ("error" in form) return { ok: false, message: t("delayed.action.cannotQueue", { error: form.error }) };
    const { queue } = await enqueueDelayedItemNow(getConnection(), timestamp, raw);
    return { ok: true, message: t("delayed.action.enqueued", { class: cls, queue }) };
  });
}

export async function removeDelayedAction(timestamp: number, raw: string): Promise<ActionResult> {
  return itemAction("delayed.remove", timestamp, raw, async (t, cls) => {
    await removeDelayedItem(getConnection(), timestamp, raw);
    return { ok: true, message: t("delayed.action.deleted", { class: cls, time: formatTime(timestamp * 1000) }) };
  });
}

/** Moves one item, byte for byte, to `when` (a datetime-local value read as UTC); a past time means due now. */
export async function rescheduleDelayedAction(timestamp: number, raw: string, when: string): Promise<ActionResult> {
  const to = parseUtcInput(when);
  return itemAction(
    "delayed.reschedule",
    timestamp,
    raw,
    async (t, cls) => {
      const time = formatTime(to! * 1000);
      if (to === timestamp) return { ok: false, message: t("delayed.action.sameTime", { class: cls, time }) };
      await rescheduleDelayedItem(getConnection(), timestamp, raw, to!);
      return {
        ok: true,
        message: t(to! * 1000 <= Date.now() ? "delayed.action.rescheduledPast" : "delayed.action.rescheduled", {
          class: cls,
          time,
        }),
      };
    },
    (t) => (to === null ? t("delayed.action.badTime") : null),
  );
}

/** Deletes every delayed item (RS's "Clear Delayed Jobs"); the page confirms with the count first. */
export async function clearDelayedAction(): Promise<ActionResult> {
  return auditedAction({
    action: "delayed.clear",
    perform: async (t) => ({
      ok: true,
      message: t("delayed.action.cleared", { count: await clearDelayed(getConnection()) }),
    }),
    revalidate: ["/delayed"],
  });
}
