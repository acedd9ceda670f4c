"use client";

import Link from "@/components/link";
import { usePathname } from "next/navigation";
import { usePopover } from "./use-popover";

export interface NavItem {
  href: string;
  label: string;
}

/** A header link's classes: the current section filled, the others quiet. */
export function navLinkClass(current: boolean): string {
  return `block whitespace-nowrap rounded px-2 py-1 ${current ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`;
}

/** Whether `href` is the section `path` is in ("/" only for itself). */
export function isCurrent(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(href + "/");
}

/**
 * Top-level sections; the current one is marked for screen readers and by colour. From 1280 px
 * they sit in the header's row; narrower, behind a Menu button whose panel drops below it (at
 * 390 px the row of links made every page 900 px wide). The list is in the HTML either way, so
 * the links work before hydration at desktop widths.
 */
export function Nav({ items, label, menuLabel }: { items: NavItem[]; label: string; menuLabel: string }) {
  const path = usePathname();
  const { open, toggle, ref, buttonRef } = usePopover<HTMLElement>();
  return (
    <nav
      ref={ref}
      aria-label={label}
      className="relative ml-auto text-sm sm:order-last sm:ml-0 xl:static xl:order-none"
    >
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls="main-nav-list"
        onClick={toggle}
        className="flex items-center gap-1.5 whitespace-nowrap rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 xl:hidden dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2">
          <path d={open ? "M6 6l12 12M18 6L6 18" : "M4 7h16M4 12h16M4 17h16"} />
        </svg>
        {menuLabel}
      </button>
      <ul
        id="main-nav-list"
        className={`${open ? "grid" : "hidden"} absolute right-0 top-full z-30 mt-2 w-72 max-w-[calc(100vw-2rem)] grid-cols-2 gap-1 rounded border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 xl:static xl:mt-0 xl:flex xl:w-auto xl:max-w-none xl:gap-0.5 xl:border-0 xl:bg-transparent xl:p-0 xl:shadow-none xl:dark:bg-transparent`}
      >
        {items.map((item) => {
          const current = isCurrent(item.href, path);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={`${navLinkClass(current)} xl:px-1.5`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
