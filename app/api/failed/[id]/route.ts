import { readOnlyJsonRoute } from "../../../json-route";
import { queryOf, readFailedOne } from "../../../(dashboard)/failed/data";

export const dynamic = "force-dynamic";

/** One failure by id (`?list=` for Ruby's multi-queue lists); 404 when it is gone. See docs/api/failed.md. */
export const GET = readOnlyJsonRoute<{ params: Promise<{ id: string }> }>(async (q, _req, ctx) => {
  const { id } = await ctx.params;
  const data = await readFailedOne(id, queryOf(q).list);
  if (!data.job)
    return Response.json(
      { error: "This failure is gone: it was retried or removed, or the id is not a failed-job id." },
      { status: 404 },
    );
  return { item: data.job, list: data.list };
});
