"use client";

import Link from "@/components/link";
import { useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { useCanWrite, useT } from "../providers";
import { ConfirmButton } from "./confirm-button";
import { LiveControl, useLivePoll } from "./live-control";
import { formatTime, formatWhen, recordText, zonedInputToMs, zonedInputValue } from "@/lib/format";
import { ArgsPreview, argsText, clipNote } from "./job-text";
import { Pager } from "./pager";
import { useTimeZone } from "@/components/when";
import { ActionFlash, OverdueBadge, RetryBadge } from "./delayed-list";
import { DataTable } from "@/components/data-table";
import type { DelayedItemsData } from "@/lib/dashboard/contracts";
import type { DelayedItem } from "@/lib/resque/admin/delayed";
import type { ActionResult } from "@/lib/dashboard/action-result";

/** The item actions, already bound to the page's timestamp; each takes the item's stored bytes. */
/** What an action sends back to name an item: its stored text, or its ref when the page holds it cut. */
type ItemRef = string | { ref: string };
const itemRef = (item: DelayedItem): ItemRef =>
  item.rawChars !== undefined && item.ref ? { ref: item.ref } : item.raw;

export interface DelayedItemActions {
  enqueueNow: (item: ItemRef) => Promise<ActionResult>;
  remove: (item: ItemRef) => Promise<ActionResult>;
  /** `to` is epoch seconds, or null when the field did not hold a real date (the server refuses it). */
  reschedule: (item: ItemRef, to: number | null) => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-top";
const input =
  "rounded border border-zinc-300 bg-transparent px-1 py-0.5 text-sm dark:border-zinc-700 dark:[color-scheme:dark]";

const pick =
  "rounded border border-zinc-300 px-1.5 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";

/** Tomorrow at 09:00 on the wall clock of `zone`, as epoch ms. */
function tomorrowAtNine(nowMs: number, zone: string): number {
  const today = zonedInputValue(nowMs, zone).slice(0, 10);
  const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return zonedInputToMs(`${next}T09:00`, zone) ?? nowMs;
}

/**
 * A date-time field on the reader's wall clock (the browser's zone), quick picks, and the button.
 * The browser turns the value into epoch seconds before sending, so the server never guesses a
 * zone; it validates the number (a past time means due now). Keyed by zone by its parent: the
 * first render is UTC (server HTML), the next one the browser's zone.
 */
function Reschedule({
  timestamp,
  zone,
  onReschedule,
  onDone,
}: {
  timestamp: number;
  zone: string;
  onReschedule: (to: number | null) => Promise<ActionResult>;
  onDone: (r: ActionResult) => void;
}) {
  const t = useT();
  const canWrite = useCanWrite();
  const [when, setWhen] = useState(() => zonedInputValue(timestamp * 1000, zone));
  const set = (ms: number) => setWhen(zonedInputValue(Math.floor(ms / 1000) * 1000, zone));
  const picks: [string, () => number][] = [
    [t("delayed.pick.plus5m"), () => Date.now() + 5 * 60_000],
    [t("delayed.pick.plus1h"), () => Date.now() + 3_600_000],
    [t("delayed.pick.tomorrow9"), () => tomorrowAtNine(Date.now(), zone)],
  ];
  return (
    <span className="flex flex-col items-start gap-1" data-reschedule>
      <span className="inline-flex flex-wrap items-center gap-2">
        <label className="inline-flex items-center gap-1 text-xs text-zinc-500">
          <input
            type="datetime-local"
            step={1}
            value={when}
            onChange={(e) => setWhen(e.target.value)}
            aria-label={t("delayed.rescheduleTo", { zone })}
            title={t("delayed.rescheduleTo", { zone })}
            disabled={!canWrite}
            className={input}
          />
          <span data-zone>{zone}</span>
        </label>
        <ConfirmButton
          label={t("delayed.reschedule")}
          action={() => {
            const ms = zonedInputToMs(when, zone);
            return onReschedule(ms === null ? null : Math.floor(ms / 1000));
          }}
          onDone={onDone}
          quiet
        />
      </span>
      {canWrite && (
        <span className="inline-flex flex-wrap gap-1">
          {picks.map(([label, at]) => (
            <button key={label} type="button" className={pick} onClick={() => set(at())}>
              {label}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}

/** The jobs due at one timestamp, a page at a time, each with enqueue-now, delete and reschedule; polls /api/delayed/[ts]. */
export function DelayedItems({
  initial,
  perPageChoices,
  actions,
}: {
  initial: DelayedItemsData;
  perPageChoices: number[];
  actions: DelayedItemActions;
}) {
  const t = useT();
  const zone = useTimeZone();
  const { timestamp } = initial;
  const { page: pageNo, perPage } = initial.items;
  const { query: q, settings } = useLivePoll<DelayedItemsData>(
    queryKeys.delayedItems(timestamp, pageNo, perPage),
    `/api/delayed/${timestamp}?page=${pageNo}&per=${perPage}`,
    initial,
  );
  const [flash, setFlash] = useState<ActionResult | null>(null);
  const done = setFlash;
  const { items, nowMs } = q.data;
  const ms = timestamp * 1000;
  const pager = (
    <Pager
      t={t}
      path={`/delayed/${timestamp}`}
      page={items.page}
      perPage={items.perPage}
      total={items.total}
      choices={perPageChoices}
    />
  );
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/delayed" className="text-blue-700 hover:underline dark:text-blue-400">
          ← {t("delayed.back")}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">
        {t("delayed.dueAt", { when: formatWhen(t, ms, nowMs, { ahead: true, zone }) })}
        {ms <= nowMs && <OverdueBadge label={t("delayed.overdue")} />}
      </h1>
      <LiveControl {...settings} updatedAt={q.dataUpdatedAt} failed={q.isError} />
      <ActionFlash result={flash} />
      {items.total === 0 ? (
        <p className="text-zinc-500">{t("delayed.itemsEmpty")}</p>
      ) : (
        <DataTable
          fixed
          pager={pager}
          columns={[
            { label: "#", className: "w-10" },
            { label: t("queue.class"), className: "w-40" },
            { label: t("queues.name"), className: "w-28" },
            { label: t("queue.args") },
            { label: t("delayed.actions"), className: "w-[25rem]" },
          ]}
        >
          {items.items.map((item) => {
            const cls = recordText(item.payload.displayClass ?? "?");
            return (
              <tr
                key={`${item.index}:${item.raw}`}
                data-item={item.index}
                className="border-t border-zinc-100 dark:border-zinc-900"
              >
                <td className={`${td} tabular-nums text-zinc-500`}>{item.index + 1}</td>
                <td className={`${td} break-all`}>
                  <span className="font-mono">{cls}</span>
                  {item.retry && (
                    <div className="mt-1 space-y-0.5 font-sans" data-retry={item.retry.attempt}>
                      <RetryBadge
                        label={t("delayed.retry", { attempt: item.retry.attempt, retries: item.retry.retries })}
                      />
                      <p className="text-xs text-zinc-500">
                        {t("delayed.retryBecause", {
                          when: formatWhen(t, Date.parse(item.retry.failedAt), nowMs, { ahead: true, zone }),
                          worker: item.retry.worker,
                        })}
                      </p>
                      <p className="text-xs text-red-700 dark:text-red-400">
                        {recordText(`${item.retry.exception}: ${item.retry.error}`)}
                      </p>
                    </div>
                  )}
                </td>
                <td className={`${td} break-all font-mono`}>{item.queue ?? t("delayed.noQueue")}</td>
                <td className={`${td} font-mono`}>
                  <ArgsPreview text={argsText(item.payload)} note={clipNote(t, item.payload)} />
                </td>
                <td className={td}>
                  <div className="flex flex-col items-start gap-1.5">
                    <span className="flex flex-wrap gap-2">
                      <ConfirmButton
                        label={t("delayed.enqueueNow")}
                        action={() => actions.enqueueNow(itemRef(item))}
                        onDone={done}
                        quiet
                      />
                      <ConfirmButton
                        label={t("delayed.delete")}
                        question={t("delayed.deleteConfirm", { class: cls, time: formatTime(ms, zone) })}
                        action={() => actions.remove(itemRef(item))}
                        onDone={done}
                        quiet
                        danger
                      />
                    </span>
                    <Reschedule
                      key={zone}
                      timestamp={timestamp}
                      zone={zone}
                      onReschedule={(to) => actions.reschedule(itemRef(item), to)}
                      onDone={done}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
