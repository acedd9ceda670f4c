import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, resolveLocale, translator, type Locale, type Translate } from "@/lib/i18n";

/** The request's locale: the `lang` cookie, else the browser's Accept-Language. */
export async function getLocale(): Promise<Locale> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  return resolveLocale(c.get(LOCALE_COOKIE)?.value, h.get("accept-language"));
}

export async function getTranslator(): Promise<{ locale: Locale; t: Translate }> {
  const locale = await getLocale();
  return { locale, t: translator(locale) };
}
