/**
 * The line that says how an action went: green when it worked, red when it was refused, read out
 * by screen readers when it changes (`aria-live`). One component so every page answers alike.
 * Extra props (`data-notice`, `data-flash`…) are the hooks tests and styles find it by.
 */
import type { HTMLAttributes } from "react";

export function Answer({
  result,
  inline = false,
  className = "text-sm",
  ...rest
}: {
  result: { ok: boolean; message: string };
  /** Beside a button on its line (a span), instead of a paragraph of its own. */
  inline?: boolean;
  className?: string;
} & Omit<HTMLAttributes<HTMLElement>, "className" | "role" | "children">) {
  const Tag = inline ? "span" : "p";
  return (
    <Tag
      role="status"
      aria-live="polite"
      className={`${className} ${result.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}
      {...rest}
    >
      {result.message}
    </Tag>
  );
}
