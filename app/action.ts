/**
 * # The recipe for a dashboard action
 *
 * Every server action of the dashboard (app/(dashboard)/*\/actions.ts; not signing in, not the
 * language switch) is one `dashboardAction({...})`, in this order:
 *
 * ```ts
 * export const pauseQueueAction = dashboardAction({
 *   action: "queue.pause",                          // the audit log's name
 *   input: z.tuple([queueName]),                    // 1. the arguments, as zod
 *   audit: ([queue]) => ({ target: queue }),        //    what the audit row names
 *   perform: async ([queue], { t }) => {            // 4. the parsed, typed value
 *     await pauseQueue(getConnection(), queue);
 *     return { code: "ok", message: t("action.paused", { queue }) };
 *   },
 * });
 * ```
 *
 * 1. **Arguments: a zod schema.** `input` is a tuple of the arguments as the browser sends them
 *    (as a JS function sees them: a missing argument is `undefined`, extra ones are ignored).
 *    A server action is a public POST endpoint, so nothing is trusted before it parses. Each
 *    refusal's message is a message key of lib/i18n (`z.string({ error: "action.invalidQueue" })`);
 *    its values, and the form `field` it is about, go in the issue's `params` (`refuse`, `keyed`,
 *    and `checked` for the data layer's own parsers). Zod's own English reaches a reader only as
 *    "Failed: …", for an issue a schema left unkeyed. Those helpers are plain zod
 *    (lib/dashboard/action-schema.ts, re-exported here): a schema worth its own unit tests lives
 *    in lib/dashboard (the demo's in demo-schemas.ts), since a test cannot import a "use server" file.
 * 2. **The check comes first.** A browser's cross-site call (`Sec-Fetch-Site: cross-site`) is
 *    answered `refused` at once, unaudited (a cross-site page could otherwise write rows). The session is read, and a caller who may not write (a viewer,
 *    nobody signed in) is answered `refused` and audited as `denied` whatever the arguments were:
 *    they are parsed only to name the audit row's target (`audit`; none when they do not parse),
 *    never to answer a refused caller.
 *    (tests/e2e/actions-replay.test.ts replays every action with junk as a viewer.)
 * 3. **Invalid arguments** are answered `invalid` with the first issue in the reader's language
 *    (a form's action words it with `invalid`: `withField`, or every field's message); nothing is
 *    done, nothing is audited.
 * 4. **`perform` receives the parsed, typed value** (and the translator and session) and answers
 *    `{ code, message, ...extra }`: a code from lib/dashboard/action-result.ts (`ok`, `partial`
 *    with per-item `skipped` outcomes, `invalid`, `stale`, `conflict`, `error`) and the sentence.
 *    A throw is answered `error` with "Failed: <why>".
 * 5. **Audit**: the row the former auditedAction wrote — who, the action, target, items (first
 *    1,000 of ≤ 100 characters), the result (`partial`, `ok`, else `error`; `denied` in step 2),
 *    the sentence, the IP. recordAudit bounds every row; a denied row keeps no items, and past
 *    30 denied rows a minute from one address a refusal writes nothing (lib/db/audit.ts).
 * 6. **One refresh path.** After `perform` (answered or thrown), the server drops the shared JSON
 *    reads (`forgetSharedReads`, so the next poll reads Redis) and calls
 *    `revalidatePath("/", "layout")`: Next then draws the current page's server components again
 *    inside this same action response (no second request), and the client router's cache of
 *    other pages is dropped. In the browser, `useRunAction` (components/use-run-action.ts) is
 *    the one way every button and form calls an action: it drops react-query reads of pages not
 *    on screen before the call (an action may redirect there) and refetches the panels on screen
 *    after it, so polled data changes at once instead of at the next tick. Nothing calls
 *    `router.refresh()` and no component invalidates query keys of its own. Why this one:
 *    server-drawn parts and polled parts are both stale after a change and need different
 *    mechanisms, but each needs exactly one, applied to everything, so no action or button can
 *    forget a path or a key; the revalidation costs nothing more than the router.refresh() it
 *    replaces (one render, now inside the action's own response), and a refetch of the few
 *    queries on screen costs one Redis read each.
 * 7. **The answer** is `{ ok, message, code, ...extra }`, `ok` being true for `ok` and
 *    `partial`; `redirect` (when given) is followed after a success.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { can, type Permission } from "@/lib/auth";
import type { ActionCode, ActionResult } from "@/lib/dashboard/action-result";
import { fieldOf, sentence } from "@/lib/dashboard/action-schema";
import { getDb, recordAudit, type AuditActor, type AuditResult } from "@/lib/db";
import { webLog } from "@/lib/log";
import { NotReplicatedError } from "@/lib/resque/index";
import type { Translate } from "@/lib/i18n";
import { clientIp, crossSite, getSession, type SignedIn } from "./auth";
import { forgetSharedReads } from "./json-route";
import { getTranslator } from "./locale";

// Step 1's helpers live beside the contracts, so argument schemas can be unit-tested (see there).
export { checked, fieldOf, keyed, refuse, sentence, storedEntry } from "@/lib/dashboard/action-schema";

/** What `perform` answers: the recipe adds `ok` (true for `ok` and `partial`). */
export type Answer<R extends ActionResult = ActionResult> = Omit<R, "ok" | "code"> & {
  code: Exclude<ActionCode, "refused">;
};

/** What the audit row names: the one thing acted on, and the ids or names acted on. */
export interface AuditTarget {
  target?: string | null;
  items?: readonly (string | number)[];
}

/** The arguments of an action: a tuple schema, one element per argument. */
type ArgsSchema = z.ZodTuple;

export interface DashboardAction<S extends ArgsSchema, R extends ActionResult> {
  /**
   * Dotted lower_snake name for the audit log (`failed.retry`, `queue.clear`), or one per input
   * (a refused call whose arguments do not parse gets it for `undefined`).
   */
  action: string | ((input: z.output<S> | undefined) => string);
  /** The arguments (step 1). */
  input: S;
  /**
   * What the caller must be allowed (step 2): `write` (the default) for anything shared; `read`
   * only for an action on the caller's own rows (marking their notifications read), which a
   * viewer may do. Nobody signed in is refused either way.
   */
  permission?: Permission;
  /** The audit row's target and items, from the parsed input (a refused call whose arguments do not parse names none). */
  audit?: (input: z.output<S>) => AuditTarget | Promise<AuditTarget>;
  /** The answer to invalid arguments (default: the first issue's sentence, in argument order). */
  invalid?: (issues: z.core.$ZodIssue[], t: Translate) => Answer<R>;
  perform: (input: z.output<S>, ctx: { t: Translate; session: SignedIn }) => Promise<Answer<R>>;
  /** Where a success goes next (a saved form back to its list). */
  redirect?: (input: z.output<S>) => string;
}

/** `invalid` for a form that marks one field: the first issue's sentence and its field. */
export function withField<R extends ActionResult & { field?: string }>(
  issues: z.core.$ZodIssue[],
  t: Translate,
): Answer<R> {
  const field = fieldOf(issues[0]!);
  return { code: "invalid", message: sentence(t, issues[0]!), ...(field ? { field } : {}) } as Answer<R>;
}

/** The answer with `ok` first (tests read it out of the RSC stream by its leading `{"ok":`). */
function finish<R extends ActionResult>(code: ActionCode, message: string, extra: object = {}): R {
  return { ok: code === "ok" || code === "partial", message, code, ...extra } as R;
}

/**
 * The arguments as a JS function sees them: a missing one is `undefined` (so its own schema
 * answers, not a "too few" from the tuple), and extra ones are ignored.
 */
function lenient(schema: ArgsSchema): z.ZodType {
  const count = schema.def.items.length;
  return z.preprocess(
    (args) => (Array.isArray(args) && args.length < count ? [...args, ...Array(count - args.length)] : args),
    schema.rest(z.unknown()),
  );
}

/** Builds a dashboard action from the recipe above; the result is what the "use server" file exports. */
export function dashboardAction<S extends ArgsSchema, R extends ActionResult = ActionResult>(
  spec: DashboardAction<S, R>,
): (...args: z.input<S>) => Promise<R> {
  const schema = lenient(spec.input);
  return async function run(...args: unknown[]): Promise<R> {
    const { t } = await getTranslator();
    // 2, before anything: a browser's cross-site call is answered without a read or a row.
    if (await crossSite()) return finish<R>("refused", t("action.crossSite"));
    const [session, ip] = await Promise.all([getSession(), clientIp()]);
    const parsed = schema.safeParse(args);
    const input = parsed.success ? (parsed.data as z.output<S>) : undefined;
    const named: AuditTarget = input !== undefined && spec.audit ? await spec.audit(input) : {};
    const actor: AuditActor | null = session ? { id: session.admin.id, email: session.admin.email } : null;
    const name = typeof spec.action === "string" ? spec.action : spec.action(input);
    const audit = async (result: AuditResult, detail: string) =>
      recordAudit(await getDb(), {
        actor,
        action: name,
        target: named.target ?? null,
        items: named.items ?? null,
        result,
        detail,
        ip,
      });

    // 2. The check comes first.
    if (!session || !can(session.admin.role, spec.permission ?? "write")) {
      await audit("denied", session ? `role ${session.admin.role}` : "not signed in");
      return finish<R>("refused", t("action.refused"));
    }
    // 3. Invalid arguments: answered, nothing done, nothing audited.
    if (!parsed.success) {
      const { code, message, ...extra } = spec.invalid
        ? spec.invalid(parsed.error.issues, t)
        : { code: "invalid" as const, message: sentence(t, parsed.error.issues[0]!) };
      return finish<R>(code, message, extra);
    }
    // 4.–6. Perform, refresh, audit.
    let answer: Answer<R>;
    try {
      answer = await spec.perform(input!, { t, session });
    } catch (e) {
      refresh();
      const error = (e as Error).message;
      // Answered as "Failed: …" and audited; the log keeps the stack for whoever runs the server.
      webLog().error(`action ${name} failed: ${error}`, { event: "action.error", action: name, err: e });
      await audit("error", error);
      // The durability option: the write was done but not confirmed by the replicas in time. Its
      // own sentence, not "Failed", since the job may well run (REDIS_MIN_REPLICAS_ACK).
      if (e instanceof NotReplicatedError)
        return finish<R>(
          "error",
          t("action.notReplicated", { ms: e.timeoutMs, replicas: e.replicas, wanted: e.wanted }),
        );
      return finish<R>("error", t("action.failed", { error }));
    }
    refresh();
    await audit(answer.code === "partial" ? "partial" : answer.code === "ok" ? "ok" : "error", answer.message);
    const { code, message, ...extra } = answer;
    const result = finish<R>(code, message, extra);
    // 7. A success that leaves the page.
    if (result.ok && spec.redirect) redirect(spec.redirect(input!));
    return result;
  };
}

/**
 * dashboardAction for an answer that carries more than ActionResult (a form's `field`, a
 * generated password): `answering<AccountResult>()({ ... })`.
 */
export function answering<R extends ActionResult>() {
  return <S extends ArgsSchema>(spec: DashboardAction<S, R>) => dashboardAction<S, R>(spec);
}

/** Step 6, the server half: shared reads dropped, the current page drawn again in this response. */
function refresh(): void {
  forgetSharedReads();
  revalidatePath("/", "layout");
}
