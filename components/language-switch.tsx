import { LOCALES, LOCALE_NAMES, type Locale } from "@/lib/i18n";

/** One small form per language, so switching is a POST (server action) that works without JS. */
export function LanguageSwitch({
  current,
  label,
  action,
}: {
  current: Locale;
  label: string;
  action: (fd: FormData) => Promise<void>;
}) {
  return (
    <div role="group" aria-label={label} className="flex gap-1 text-sm">
      {LOCALES.map((l) => (
        <form key={l} action={action}>
          <input type="hidden" name="locale" value={l} />
          <button
            type="submit"
            lang={l}
            aria-pressed={l === current}
            className={`rounded px-2 py-1 ${l === current ? "font-semibold underline" : "text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
          >
            {LOCALE_NAMES[l]}
          </button>
        </form>
      ))}
    </div>
  );
}
