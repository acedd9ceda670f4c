import Link from "@/components/link";
import { getTranslator } from "./locale";
import { titled } from "./page-title";

export const generateMetadata = titled("notFound.title");

export default async function NotFound() {
  const { t } = await getTranslator();
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("notFound.title")}</h1>
      <p className="text-zinc-600 dark:text-zinc-400">{t("notFound.body")}</p>
      <Link href="/" className="text-blue-700 underline dark:text-blue-400">
        {t("notFound.back")}
      </Link>
    </div>
  );
}
