import type { DecodedPayload } from "@/lib/resque/payload";

/**
 * How a job's arguments and times read wherever a job appears (queues, delayed, schedules,
 * working). Not a client module, so server code (actions, pages) can format with it too.
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

/** "2026-11-29 10:42:07 UTC", or "–" when unknown. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
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
