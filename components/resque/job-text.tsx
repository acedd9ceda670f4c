import type { DecodedPayload } from "@/lib/resque/payload";
import type { Translate } from "@/lib/i18n";
import { recordText } from "@/lib/format";
import { useT } from "../providers";
import { CopyButton } from "../copy-button";

/**
 * How a job's arguments read wherever a job appears (queues, delayed, schedules, working).
 * Times are lib/format.ts's formatTime.
 */

const ARGS_PREVIEW = 80;

/**
 * Args as JSON text, never HTML: a `<script>` in the args is shown, not run; hidden controls are
 * shown as markers (recordText). Args cut for a list arrive as text in `argsClip`.
 */
export function argsText(payload: DecodedPayload, indent?: number): string {
  if (payload.argsClip) return recordText(payload.argsClip.text);
  if (!payload.ok) return recordText(payload.raw);
  try {
    return recordText(JSON.stringify(payload.argsArray, null, indent) ?? "");
  } catch {
    return recordText(payload.raw);
  }
}

/** "first 2,000 of 2,097,152 characters shown" when the args were cut for this view, else undefined. */
export function clipNote(t: Translate, payload: DecodedPayload): string | undefined {
  const c = payload.argsClip;
  return c && t("record.clipped", { shown: c.text.length.toLocaleString("en"), total: c.chars.toLocaleString("en") });
}

/**
 * Args cut to one line; long ones open in place. `note` says when they were cut before they got
 * here. With `pretty` (the same args indented, as the Failed page shows them), long args open
 * indented, with a copy button.
 */
export function ArgsPreview({ text, note, pretty }: { text: string; note?: string; pretty?: string }) {
  const t = useT();
  if (pretty !== undefined && text.length > ARGS_PREVIEW)
    return (
      <details>
        <summary className="cursor-pointer break-all" data-args>
          {text.slice(0, ARGS_PREVIEW)}…
        </summary>
        <pre
          data-args-pretty
          className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 dark:bg-zinc-900"
        >
          {pretty}
        </pre>
        <CopyButton text={pretty} what={t("queue.args")} />
        {note && (
          <p className="text-xs text-zinc-500" data-clipped>
            {note}
          </p>
        )}
      </details>
    );
  return text.length <= ARGS_PREVIEW ? (
    <span className="break-all" data-args>
      {text}
    </span>
  ) : (
    <details>
      <summary className="cursor-pointer break-all" data-args>
        {text.slice(0, ARGS_PREVIEW)}…
      </summary>
      <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 dark:bg-zinc-900">
        {text}
      </pre>
      {note && (
        <p className="text-xs text-zinc-500" data-clipped>
          {note}
        </p>
      )}
    </details>
  );
}
