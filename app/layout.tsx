import type { Metadata } from "next";
import Script from "next/script";
import { setLocaleAction } from "./actions";
import { getTranslator } from "./locale";
import { getSession } from "./auth";
import { can } from "@/lib/auth";
import { signOutAction } from "./sign-in/actions";
import { LanguageSwitch } from "@/components/language-switch";
import { AccountMenu } from "@/components/account-menu";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import { Bell } from "@/components/demo/bell";
import { markAllReadAction } from "./(dashboard)/notifications/actions";
import { THEME_SCRIPT } from "@/components/theme";
import { ThemeToggle } from "@/components/theme-toggle";
import "./globals.css";

/** Each page names itself (app/page-title.ts); the template adds the app's name in the reader's language. */
export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return {
    title: { default: t("app.title"), template: `%s · ${t("app.title")}` },
    description: "Resque dashboard and job runner",
  };
}

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
    { href: "/alerts", label: t("nav.alerts") },
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
          {/* The first stop for Tab: past the header's 20-odd controls straight to the page. */}
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow-lg focus:ring-2 focus:ring-blue-600 dark:focus:bg-zinc-900"
          >
            {t("layout.skip")}
          </a>
          {/*
            One row from 1280 px (the sections inline). Narrower, the sections fold behind Menu: at
            390 px the title and Menu share the first row, the tools wrap to a second one. The
            account menu holds the pages about the app's own records, leaving the row about 100 px
            to spare in English for a new section.
          */}
          <header className="relative flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-zinc-200 px-4 py-2 sm:px-6 xl:flex-nowrap dark:border-zinc-800">
            <span className="whitespace-nowrap font-semibold">{t("app.title")}</span>
            {session && <Nav items={nav} label={t("nav.main")} menuLabel={t("layout.menu")} />}
            <div className="ml-auto flex items-center gap-x-1 whitespace-nowrap">
              <LanguageSwitch current={locale} label={t("lang.switch")} action={setLocaleAction} />
              <ThemeToggle label={t("theme.toggle")} />
              {session && <Bell markAllRead={markAllReadAction} />}
              {session && (
                <AccountMenu
                  email={session.admin.email}
                  role={t(`role.${session.admin.role}`)}
                  label={t("layout.account", { email: session.admin.email })}
                  signedInAs={t("layout.signedInAs")}
                  items={[
                    { href: "/notifications", label: t("layout.notifications") },
                    { href: "/outbox", label: t("layout.outbox") },
                    { href: "/audit", label: t("nav.audit") },
                    { href: "/accounts", label: t("nav.accounts") },
                  ]}
                >
                  <form action={signOutAction}>
                    <button
                      type="submit"
                      className="w-full rounded px-2 py-1 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800"
                    >
                      {t("signOut")}
                    </button>
                  </form>
                </AccountMenu>
              )}
            </div>
          </header>
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6">
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
