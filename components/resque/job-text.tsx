import type { DecodedPayload } from "@/lib/resque/payload";

/**
 * How a job's arguments read wherever a job appears (queues, delayed, schedules, working).
 * Times are lib/format.ts's formatTime.
 */

const ARGS_PREVIEW = 80;

/** Args as JSON text, never HTML: a `<script>` in the args is shown, not run. */
export function argsText(payload: DecodedPayload): string {
  if (!payload.ok) return payload.raw;
  try {
    return JSON.stringify(payload.argsArray) ?? "";
  } catch {
    return payload.raw;
  }
}

/** Args cut to one line; long ones open in place. */
export function ArgsPreview({ text }: { text: string }) {
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
    </details>
  );
}
