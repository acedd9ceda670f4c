import { readOnlyJsonRoute } from "../../json-route";
import { keysQueryFrom, readKeys } from "../../(dashboard)/stats/data";

export const dynamic = "force-dynamic";

/** One SCAN page of keys (`?match=&type=&per=&cursor=`) with type, size and TTL. See docs/api/stats.md. */
export const GET = readOnlyJsonRoute((q) => readKeys(keysQueryFrom((n) => q.get(n))));
