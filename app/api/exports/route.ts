import { readOnlyJsonRoute } from "../../json-route";
import { readExports } from "../../(dashboard)/exports/data";

export const dynamic = "force-dynamic";

/** Exports as JSON (`?page=&per=`), polled by the Exports page for its progress bars. */
export const GET = readOnlyJsonRoute(readExports);
