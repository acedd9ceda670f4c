/**
 * What the dashboard's server actions take and answer, shared by the actions (app/**\/actions.ts)
 * and the buttons and forms that call them (components/). Types only.
 */
import type { ScheduleFormField } from "./contracts";

/** What every server action answers: whether it happened, and a sentence saying what happened. */
export interface ActionResult {
  ok: boolean;
  message: string;
}

/** A product form's answer: the sentence, and a message per field to show beside it. */
export type FormResult = ActionResult & { fields?: Record<string, string> };

/** The schedule form's answer: which field to mark, when the refusal is about one. */
export interface ScheduleFormResult extends ActionResult {
  field?: ScheduleFormField;
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
