"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ActionResult } from "@/lib/dashboard/action-result";
import { useT } from "./providers";

/**
 * The browser's half of the dashboard action recipe (app/action.ts, step 6): every button and
 * form calls its server action through the function this returns, and nothing else refreshes.
 *
 * - Before the call, react-query reads of pages not on screen are dropped: the action may
 *   redirect there (a saved schedule goes back to its list), and that page must start from the
 *   server's fresh drawing, not from a poll made before the change.
 * - After it, every query on screen is refetched (the shared reads were dropped on the server,
 *   so this reads Redis), instead of showing the change at the next tick of its interval.
 *
 * The server-drawn parts need nothing here: the action's revalidation already brought them in
 * its own response. A call that fails on the way (the network, the server) is answered with the
 * same `error` sentence an action gives for a throw. An action that redirects resolves to
 * undefined (Next follows the redirect), so its caller checks the answer before using it.
 */
export type RunAction = <R extends ActionResult>(action: () => Promise<R>) => Promise<R>;

export function useRunAction(): RunAction {
  const client = useQueryClient();
  const t = useT();
  return useCallback(
    async <R extends ActionResult>(action: () => Promise<R>): Promise<R> => {
      client.removeQueries({ type: "inactive" });
      try {
        return await action();
      } catch (e) {
        const message = t("action.failed", { error: (e as Error).message });
        return { ok: false, message, code: "error" } as R;
      } finally {
        void client.invalidateQueries();
      }
    },
    [client, t],
  );
}
