"use client";

import Link from "@/components/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { isCurrent, navLinkClass, type NavItem } from "./nav";
import { usePopover } from "./use-popover";

/**
 * The signed-in account's menu at the header's right end: who is signed in (e-mail and role),
 * the pages about the account and the app's own records (notifications, the outbox of saved
 * e-mails, audit log, accounts), and Sign out (`children`: the server-action form, always in the HTML so it is the
 * same form whether or not the panel was ever opened). One icon button keeps the header to one
 * row at 1280 px in both languages and reachable at 390 px.
 */
export function AccountMenu({
  email,
  role,
  label,
  signedInAs,
  items,
  children,
}: {
  email: string;
  role: string;
  /** Names the button and the panel's link list: "Account: a@b.c". */
  label: string;
  signedInAs: string;
  items: NavItem[];
  children: ReactNode;
}) {
  const { open, toggle, ref, buttonRef } = usePopover<HTMLDivElement>();
  return (
    <div ref={ref} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls="account-menu"
        aria-label={label}
        title={email}
        onClick={toggle}
        className="flex items-center rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        >
          <circle cx="12" cy="8" r="4" />
          <path d="M4 21a8 8 0 0 1 16 0" />
        </svg>
        <span aria-hidden className="ml-0.5 text-xs">
          ▾
        </span>
      </button>
      <div
        id="account-menu"
        className={`${open ? "block" : "hidden"} absolute right-0 z-30 mt-2 w-64 max-w-[calc(100vw-2rem)] space-y-2 rounded border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900`}
      >
        <p className="text-zinc-500">
          {signedInAs}
          <span data-account-email className="block break-all font-medium text-zinc-900 dark:text-zinc-100">
            {email}
          </span>
          <span className="block">{role}</span>
        </p>
        <nav aria-label={label} className="border-t border-zinc-200 pt-2 dark:border-zinc-700">
          <ul className="space-y-0.5">
            {items.map((item) => (
              <li key={item.href}>
                <AccountLink item={item} />
              </li>
            ))}
          </ul>
        </nav>
        <div className="border-t border-zinc-200 pt-2 dark:border-zinc-700">{children}</div>
      </div>
    </div>
  );
}

function AccountLink({ item }: { item: NavItem }) {
  const path = usePathname();
  const current = isCurrent(item.href, path);
  return (
    <Link href={item.href} aria-current={current ? "page" : undefined} className={navLinkClass(current)}>
      {item.label}
    </Link>
  );
}
