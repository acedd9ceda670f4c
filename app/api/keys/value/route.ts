import { readOnlyJsonRoute } from "../../../json-route";
import { keyValueQueryFrom, readKeyValue } from "../../../(dashboard)/stats/data";

export const dynamic = "force-dynamic";

/** One key's value (`?key=`), paged by its type (`page`/`per` or `cursor`). See docs/api/stats.md. */
export const GET = readOnlyJsonRoute((q) => readKeyValue(keyValueQueryFrom((n) => q.get(n))));
