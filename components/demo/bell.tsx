"use client";

import Link from "@/components/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { NotificationPage } from "@/lib/db/notifications";
import { queryKeys } from "@/lib/query-keys";
import { fetchJson } from "../resque/live-control";
import { ConfirmButton } from "../resque/confirm-button";
import { NotificationItems } from "./notification-items";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useLocale, useT } from "../providers";

/** The header's bell: the admin's unread count (polled every 5 s) and a panel of the newest ten. */
export function Bell({ markAllRead }: { markAllRead: () => Promise<ActionResult> }) {
  const t = useT();
  const locale = useLocale(); // for NotificationItems: no hooks there, the user page draws it on the server
  const [open, setOpen] = useState(false);
  const q = useQuery<NotificationPage | null>({
    queryKey: queryKeys.notifications(),
    queryFn: () => fetchJson<NotificationPage>("/api/notifications"),
    initialData: null,
    refetchInterval: 5000,
    refetchOnMount: "always",
  });
  const unread = q.data?.unread ?? 0;
  return (
    // Below 640 px the panel hangs from the header's right edge, not the bell's: the bell sits
    // 70 px in from the edge, and a panel aligned to it ran off the screen's left side.
    <div className="sm:relative">
      <button
        type="button"
        aria-expanded={open}
        aria-label={t("demo.bell.label", { count: unread })}
        onClick={() => setOpen((o) => !o)}
        className="relative rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        {/* Drawn, not an emoji: many Linux desktops have no emoji font and would show a box. */}
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span
            data-unread={unread}
            className="absolute -right-1 -top-1 min-w-[1.1rem] rounded-full bg-red-600 px-1 text-center text-[0.65rem] font-semibold leading-[1.1rem] text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          role="dialog"
          aria-label={t("demo.notifications.title")}
          className="absolute right-4 z-20 mt-2 w-96 max-w-[calc(100vw-2rem)] space-y-2 sm:right-0 rounded border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="flex items-center justify-between gap-2">
            <span className="font-semibold">{t("demo.notifications.title")}</span>
            <ConfirmButton
              label={t("demo.notifications.markAllRead")}
              action={markAllRead}
              disabled={unread === 0}
              forViewers
              quiet
            />
          </div>
          {q.data && q.data.items.length > 0 ? (
            <NotificationItems locale={locale} items={q.data.items} nowMs={q.dataUpdatedAt} />
          ) : (
            <p className="text-sm text-zinc-500">{q.data ? t("demo.notifications.empty") : "…"}</p>
          )}
          <Link
            href="/notifications"
            onClick={() => setOpen(false)}
            className="block text-sm text-blue-700 hover:underline dark:text-blue-400"
          >
            {t("demo.notifications.all")}
          </Link>
        </div>
      )}
    </div>
  );
}
