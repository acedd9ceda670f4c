"use client";

import { useActionState } from "react";

export interface SignInLabels {
  email: string;
  password: string;
  submit: string;
}

type State = { message?: string; email?: string };

/** Email + password form; the server's message is announced next to the button. */
export function SignInForm({
  action,
  labels,
  next,
}: {
  action: (prev: State, fd: FormData) => Promise<State>;
  labels: SignInLabels;
  /** Where to go after signing in (the server checks it again). */
  next?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-describedby="sign-in-message">
      {next && <input type="hidden" name="next" value={next} />}
      <label className="block space-y-1">
        <span className="text-sm">{labels.email}</span>
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state.email}
          className="w-full rounded border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </label>
      <label className="block space-y-1">
        <span className="text-sm">{labels.password}</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="w-full rounded border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </label>
      <p id="sign-in-message" aria-live="polite" className="min-h-5 text-sm text-red-700 dark:text-red-400">
        {state.message}
      </p>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-zinc-900 px-3 py-2 text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {labels.submit}
      </button>
    </form>
  );
}
