/**
 * What the dashboard's server actions take and answer, shared by the actions (app/**\/actions.ts,
 * built by app/action.ts) and the buttons and forms that call them (components/). Types only.
 */
import type { SkipCode } from "@/lib/resque/admin/types";
import type { ScheduleFormField } from "./contracts";

/**
 * What happened, for code to branch on (the sentence is for people):
 * - `ok`: done;
 * - `partial`: done for some items, others skipped (see `skipped`);
 * - `invalid`: the arguments were refused (malformed, out of range, naming nothing that exists); nothing was done;
 * - `refused`: the caller may not change anything (a viewer, nobody signed in); nothing was done;
 * - `stale`: what the page showed is no longer there (a job already taken, an entry deleted): reload;
 * - `conflict`: well-formed, but the current state does not allow it (the last admin, a legacy entry, an unrequeueable record);
 * - `error`: it failed (Redis or the database threw); the message quotes why.
 */
export type ActionCode = "ok" | "partial" | "invalid" | "refused" | "stale" | "conflict" | "error";

/** One item an action left alone, and the engine's code for why. */
export interface SkippedItem {
  id: string;
  code: SkipCode;
}

/**
 * What every server action answers: whether it happened (`ok` is true for `ok` and `partial`),
 * a sentence saying what happened, and the code. `ok` comes first in the object (tests read the
 * answer out of the RSC stream by it).
 */
export interface ActionResult {
  ok: boolean;
  message: string;
  code: ActionCode;
  /** Per item, when an action over several items left some alone (the first 1,000). */
  skipped?: SkippedItem[];
}

/** A product form's answer: the sentence, and a message per field to show beside it. */
export type FormResult = ActionResult & { fields?: Record<string, string> };

/** The schedule form's answer: the first field to mark, and every refused field's sentence. */
export interface ScheduleFormResult extends ActionResult {
  field?: ScheduleFormField;
  fields?: Partial<Record<ScheduleFormField, string>>;
}

/** An account form's answer: `field` names the input a bad value came from; `password` is a generated one, shown once. */
export interface AccountResult extends ActionResult {
  field?: "email" | "password" | "role";
  password?: string;
}

/** A password as an account form sends it. */
export interface PasswordInput {
  password?: string;
  /** Ignore `password` and make one up (returned once in the result, never audited). */
  generate?: boolean;
}

/** Which failure list a Failed action works on, and for retries whether the record stays (Ruby's resque-web default) or goes (ours). */
export interface FailedActionOptions {
  list?: string;
  keep?: boolean;
}

/** An alert rule form's answer: `field` names the input a bad value came from. */
export interface AlertResult extends ActionResult {
  field?: "name" | "kind" | "queue" | "threshold" | "windowMin";
}
