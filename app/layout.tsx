import type { Metadata } from "next";
import Link from "next/link";
import Script from "next/script";
import { setLocaleAction } from "./actions";
import { getTranslator } from "./locale";
import { getSession } from "./auth";
import { can } from "@/lib/auth";
import { signOutAction } from "./sign-in/actions";
import { LanguageSwitch } from "@/components/language-switch";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import { Bell } from "@/components/demo/bell";
import { markAllReadAction } from "./(dashboard)/notifications/actions";
import { THEME_SCRIPT } from "@/components/theme";
import { ThemeToggle } from "@/components/theme-toggle";
import "./globals.css";

export const metadata: Metadata = {
  title: "Resque Admin",
  description: "Resque dashboard and job runner",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [{ locale, t }, session] = await Promise.all([getTranslator(), getSession()]);
  const nav = [
    { href: "/", label: t("nav.overview") },
    { href: "/working", label: t("nav.working") },
    { href: "/failed", label: t("nav.failed") },
    { href: "/queues", label: t("nav.queues") },
    { href: "/workers", label: t("nav.workers") },
    { href: "/delayed", label: t("nav.delayed") },
    { href: "/schedules", label: t("nav.schedules") },
    { href: "/stats", label: t("nav.stats") },
    { href: "/products", label: t("demo.nav.products") },
    { href: "/users", label: t("demo.nav.users") },
    { href: "/exports", label: t("demo.nav.exports") },
  ];
  return (
    <html lang={locale} suppressHydrationWarning>
      <head>
        <Script id="theme" strategy="beforeInteractive">
          {THEME_SCRIPT}
        </Script>
      </head>
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers locale={locale} canWrite={!!session && can(session.admin.role, "write")}>
          <header className="flex flex-wrap items-center gap-4 border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
            <span className="font-semibold">{t("app.title")}</span>
            {session && <Nav items={nav} label={t("nav.main")} />}
            {/* At phone width the bar wraps between items, never inside one (CJK labels broke per character). */}
            <div className="ml-auto flex flex-wrap items-center gap-x-2 gap-y-1 whitespace-nowrap">
              <LanguageSwitch current={locale} label={t("lang.switch")} action={setLocaleAction} />
              <ThemeToggle label={t("theme.toggle")} />
              {session && <Bell markAllRead={markAllReadAction} />}
              {session && (
                <form action={signOutAction} className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                  <Link
                    href="/audit"
                    className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
                  >
                    {t("nav.audit")}
                  </Link>
                  <Link
                    href="/accounts"
                    className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
                  >
                    {t("nav.accounts")}
                  </Link>
                  <span className="max-w-56 truncate text-zinc-500" title={t(`role.${session.admin.role}`)}>
                    {session.admin.email}
                  </span>
                  <button type="submit" className="rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                    {t("signOut")}
                  </button>
                </form>
              )}
            </div>
          </header>
          <main className="mx-auto max-w-6xl px-6 py-6">
            {/* Said once at the top of every page, so a viewer knows why write buttons are greyed out. */}
            {session && !can(session.admin.role, "write") && (
              <p
                role="note"
                data-banner="read-only"
                className="mb-4 rounded border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
              >
                {t("ux.readOnly")}
              </p>
            )}
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
