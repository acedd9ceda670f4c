import type { Metadata } from "next";
import type { MessageKey } from "@/lib/i18n";
import { getTranslator } from "./locale";

/**
 * `generateMetadata` for a page whose title is one message, in the reader's language; the root
 * layout's template appends the app's name ("Failed jobs · Resque Admin"). Tabs, history and
 * bookmarks told every page apart only by its URL when all were titled "Resque Admin".
 */
export function titled(key: MessageKey, vars?: Record<string, string | number>): () => Promise<Metadata> {
  return async () => ({ title: (await getTranslator()).t(key, vars) });
}
