/**
 * UI strings in English and Simplified Chinese, one file per area under `messages/` so pages can
 * grow their strings without touching each other's. English is the source: every key must exist in
 * both (each area's zh-CN object is typed by its English keys). `{name}` marks a value.
 */
import * as accounts from "./messages/accounts";
import * as alerts from "./messages/alerts";
import * as core from "./messages/core";
import * as delayed from "./messages/delayed";
import * as demo from "./messages/demo";
import * as failed from "./messages/failed";
import * as layout from "./messages/layout";
import * as stats from "./messages/stats";
import * as navigation from "./messages/navigation";

const areas = [core, failed, delayed, stats, accounts, demo, alerts, layout, navigation] as const;

type En = typeof core.en &
  typeof failed.en &
  typeof delayed.en &
  typeof stats.en &
  typeof accounts.en &
  typeof demo.en &
  typeof alerts.en &
  typeof layout.en &
  typeof navigation.en;
export type MessageKey = keyof En;

function merge(pick: (a: (typeof areas)[number]) => Record<string, string>): Record<MessageKey, string> {
  const out: Record<string, string> = {};
  for (const area of areas) {
    for (const [k, v] of Object.entries(pick(area))) {
      if (k in out) throw new Error(`i18n key ${k} is defined in two areas`);
      out[k] = v;
    }
  }
  return out as Record<MessageKey, string>;
}

export const messages = { en: merge((a) => a.en), "zh-CN": merge((a) => a.zhCN) };

/** Whether a key built at run time (an engine's problem code, say) is one of ours. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(messages.en, key);
}
