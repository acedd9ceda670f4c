/**
 * Locale choice and translation, framework-free so server and client components share it.
 */
import { messages, type MessageKey } from "./messages";

export type { MessageKey };
export { isMessageKey } from "./messages";
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_COOKIE = "lang";
/** Language names written in themselves, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "中文" };

export function isLocale(v: unknown): v is Locale {
  return typeof v === "string" && (LOCALES as readonly string[]).includes(v);
}

/** The cookie's choice, else the first Accept-Language entry we speak (any `zh` → zh-CN), else English. */
export function resolveLocale(cookie: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag: (tag ?? "").toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * `{name}` is replaced by its value. A count that changes the words is written ICU-style inside the
 * message, `{count, plural, one {Deleted 1 product.} other {Deleted # products.}}`, and the branch
 * is chosen by the locale's Intl.PluralRules; `=0` picks an exact value first, and `#` is the
 * count with thousands separators — inside a branch only: zh-CN, which has only `other`, writes
 * `{count, plural, other {已删除 # 条}}` for that, and a bare `#` is printed as is.
 * One mechanism for every count in both languages: callers pass the number, never pick a key.
 */
export function translator(locale: Locale): Translate {
  const dict = messages[locale];
  const rules = new Intl.PluralRules(locale);
  return (key, vars) => format(dict[key] ?? messages.en[key] ?? key, vars, rules);
}

const PLURAL_HEAD = /\{(\w+),\s*plural,/g;

function format(text: string, vars: Record<string, string | number> | undefined, rules: Intl.PluralRules): string {
  if (!vars) return text;
  let out = "";
  let from = 0;
  PLURAL_HEAD.lastIndex = 0;
  for (let m = PLURAL_HEAD.exec(text); m; m = PLURAL_HEAD.exec(text)) {
    const end = closing(text, m.index);
    if (end < 0) break;
    out += substitute(text.slice(from, m.index), vars);
    out += substitute(pluralBranch(text.slice(m.index + m[0].length, end), vars[m[1]!], rules), vars);
    from = end + 1;
    PLURAL_HEAD.lastIndex = from;
  }
  return out + substitute(text.slice(from), vars);
}

const substitute = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));

/** Index of the `}` that closes the `{` at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/** ` one {…} other {…}` → the branch for `value`, with `#` as the formatted count. */
function pluralBranch(body: string, value: string | number | undefined, rules: Intl.PluralRules): string {
  const n = typeof value === "number" ? value : Number(String(value ?? "").replace(/,/g, ""));
  const branches = new Map<string, string>();
  const selector = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/g;
  for (let m = selector.exec(body); m; m = selector.exec(body)) {
    const open = m.index + m[0].length - 1;
    const end = closing(body, open);
    if (end < 0) break;
    branches.set(m[1]!, body.slice(open + 1, end));
    selector.lastIndex = end + 1;
  }
  const chosen = Number.isFinite(n)
    ? (branches.get(`=${n}`) ?? branches.get(rules.select(n)) ?? branches.get("other"))
    : branches.get("other");
  const shown = Number.isFinite(n) ? n.toLocaleString("en") : String(value ?? "");
  return (chosen ?? "").replace(/#/g, shown);
}
