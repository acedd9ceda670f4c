/**
 * Expands a worker's configured queue list (docs/resque-protocol.md#worker-queue-lists): names in priority order,
 * `*` (every registered queue, alphabetically), globs (`mail_*`, Ruby 3.0) and `!name`
 * exclusions. Order of the configured list is kept; a queue appears once, at its first match.
 */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

export function isPattern(entry: string): boolean {
  return /[*?[]/.test(entry);
}

export function resolveQueues(configured: string[], registered: string[]): string[] {
  const excluded = configured.filter((q) => q.startsWith("!")).map((q) => globToRegExp(q.slice(1)));
  const sorted = [...registered].filter((q) => !q.includes(":temp:")).sort();
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (q: string) => {
    if (seen.has(q) || excluded.some((re) => re.test(q))) return;
    seen.add(q);
    out.push(q);
  };
  for (const entry of configured) {
    if (entry.startsWith("!") || entry === "") continue;
    if (isPattern(entry)) {
      const re = globToRegExp(entry);
      for (const q of sorted) if (re.test(q)) add(q);
    } else add(entry);
  }
  return out;
}
