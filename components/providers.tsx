"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useState } from "react";
import { translator, type Locale, type Translate } from "@/lib/i18n";

const CanWrite = createContext(false);
const Language = createContext<{ locale: Locale; t: Translate } | null>(null);

function useLanguage(): { locale: Locale; t: Translate } {
  const value = useContext(Language);
  if (!value) throw new Error("useLocale/useT outside <Providers>: the root layout provides the locale");
  return value;
}

/**
 * Whether the signed-in account may change things: write buttons are drawn disabled for a viewer
 * so the page does not offer what the server will refuse (the server still checks every action).
 */
export function useCanWrite(): boolean {
  return useContext(CanWrite);
}

/**
 * The request's language, as the root layout read it (cookie, else Accept-Language). Switching
 * language sets the cookie and redraws the layout, which hands the new locale down here.
 */
export function useLocale(): Locale {
  return useLanguage().locale;
}

/** The translator for useLocale()'s language: one per locale, the same function between renders. */
export function useT(): Translate {
  return useLanguage().t;
}

export function Providers({
  canWrite,
  locale,
  children,
}: {
  canWrite: boolean;
  locale: Locale;
  children: React.ReactNode;
}) {
  // One client per browser tab; server-drawn data seeds the first paint, polling takes over.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 500 } } }));
  const language = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  // Marks the page interactive: a field typed into before hydration is reset by it, so scripts
  // driving the page (the e2e tests) wait for this before they type.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <QueryClientProvider client={client}>
      <Language.Provider value={language}>
        <CanWrite.Provider value={canWrite}>{children}</CanWrite.Provider>
      </Language.Provider>
    </QueryClientProvider>
  );
}
