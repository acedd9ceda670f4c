"use client";

import Link from "@/components/link";
import { useState } from "react";
import { useSelection } from "../use-selection";
import type { UserPage } from "@/lib/db/users";
import { ConfirmButton } from "../resque/confirm-button";
import { DataTable } from "@/components/data-table";
import { Pager } from "../resque/pager";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "../providers";

/** The selected ids, or `{ q }`: every user the search matches. */
export type UserTargets = number[] | { q: string };

export interface UsersActions {
  notify: (targets: UserTargets, message: string) => Promise<ActionResult>;
  email: (targets: UserTargets, message: string, subject: string) => Promise<ActionResult>;
}

const td = "py-1 pr-4 align-middle";
const input = "rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * The demo's users: search and pages in the URL; the selection lives in the page's state and
 * survives paging, so a batch can span pages; the batch buttons name how many they act on. With
 * the whole page picked, "Select all N matching" hands the server the search instead of ids (as
 * the products' export does with its filter). A sent batch clears the selection.
 */
export function UsersList({
  q,
  users,
  choices,
  actions,
}: {
  q: string;
  users: UserPage;
  choices: number[];
  actions: UsersActions;
}) {
  const t = useT();
  const [message, setMessage] = useState(() => t("demo.notify.defaultMessage"));
  const [subject, setSubject] = useState(() => t("demo.users.defaultSubject"));
  const selection = useSelection(users.items.map((u) => u.id));
  const ids = selection.ids;
  // Every user the search matches, not only the picked ones; dropped by any change to the picks.
  const [matching, setMatching] = useState(false);
  const count = matching ? users.total : ids.length;
  const targets = (): UserTargets => (matching ? { q } : ids);
  const pick = (next: () => void) => {
    setMatching(false);
    next();
  };
  const afterSend = (r: ActionResult) => {
    if (!r.ok) return;
    setMatching(false);
    selection.clear();
  };
  const params: Record<string, string> = q ? { q } : {};
  // Drawn above the list, and again below it when the list is longer than a page.
  const pager = (
    <Pager
      t={t}
      path="/users"
      params={params}
      page={users.page}
      perPage={users.perPage}
      total={users.total}
      choices={choices}
    />
  );
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("demo.users.title")}</h1>
      <form method="get" action="/users" className="flex flex-wrap items-center gap-2" role="search">
        <input
          type="search"
          name="q"
          defaultValue={q}
          maxLength={100}
          aria-label={t("demo.users.search")}
          placeholder={t("demo.users.searchHint")}
          className={`${input} w-72`}
        />
        <input type="hidden" name="per" value={users.perPage} />
        <button
          type="submit"
          className="rounded border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {t("demo.users.searchButton")}
        </button>
        {q && (
          <Link href="/users" className="text-sm text-blue-700 hover:underline dark:text-blue-400">
            {t("demo.users.clearSearch")}
          </Link>
        )}
      </form>

      <section
        aria-label={t("demo.users.batch")}
        className="space-y-2 rounded border border-zinc-200 p-3 dark:border-zinc-800"
      >
        <p className="text-sm" data-selected={count}>
          {matching ? t("demo.users.allMatching", { count: users.total }) : t("demo.users.selected", { count })}
          {!matching && selection.allOnPage && users.total > users.items.length && (
            <button
              type="button"
              data-select-matching
              className="ml-3 text-blue-700 hover:underline dark:text-blue-400"
              onClick={() => setMatching(true)}
            >
              {t("demo.users.selectMatching", { count: users.total.toLocaleString("en") })}
            </button>
          )}
          {count > 0 && (
            <button
              type="button"
              className="ml-3 text-blue-700 hover:underline dark:text-blue-400"
              onClick={() => pick(selection.clear)}
            >
              {t("demo.users.clearSelection")}
            </button>
          )}
        </p>
        <label className="block text-sm">
          <span className="mb-1 block text-zinc-600 dark:text-zinc-400">{t("demo.users.message")}</span>
          <textarea
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            rows={2}
            maxLength={2000}
            className={`${input} w-full`}
          />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-zinc-600 dark:text-zinc-400">{t("demo.users.subject")}</span>
          <input
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            maxLength={200}
            className={`${input} w-full sm:w-96`}
          />
        </label>
        <div className="flex flex-wrap items-center gap-3">
          {/* No `disabled` on an empty selection: the server answers it with the original's own message. */}
          <ConfirmButton
            label={t("demo.users.sendNotification", { count })}
            action={() => actions.notify(targets(), message)}
            onDone={afterSend}
          />
          <ConfirmButton
            label={t("demo.users.sendEmail", { count })}
            action={() => actions.email(targets(), message, subject)}
            onDone={afterSend}
          />
          <Link href="/outbox" className="text-sm text-blue-700 hover:underline dark:text-blue-400">
            {t("demo.users.outbox")}
          </Link>
        </div>
      </section>

      {pager}
      {users.total === 0 ? (
        <p className="text-zinc-500">{t("demo.users.empty")}</p>
      ) : (
        <DataTable
          columns={[
            {
              label: (
                <input
                  type="checkbox"
                  aria-label={t("demo.users.selectPage")}
                  checked={matching || selection.allOnPage}
                  onChange={(e) => pick(() => selection.togglePage(e.target.checked))}
                />
              ),
              className: "w-8",
            },
            { label: "ID" },
            { label: t("demo.users.name") },
            { label: t("demo.users.email") },
            { label: t("demo.users.status") },
          ]}
        >
          {users.items.map((u) => (
            <tr key={u.id} data-user={u.id} className="border-t border-zinc-100 dark:border-zinc-900">
              <td className={td}>
                <input
                  type="checkbox"
                  aria-label={t("demo.users.selectOne", { name: u.name })}
                  checked={matching || selection.has(u.id)}
                  onChange={(e) => pick(() => selection.toggle([u.id], e.target.checked))}
                />
              </td>
              <td className={`${td} tabular-nums`}>{u.id}</td>
              <td className={td}>
                <Link href={`/users/${u.id}`} className="text-blue-700 hover:underline dark:text-blue-400">
                  {u.name}
                </Link>
              </td>
              <td className={td}>{u.email}</td>
              <td className={td}>{t(`demo.userStatus.${u.status}`)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {users.total > users.perPage && pager}
    </div>
  );
}
