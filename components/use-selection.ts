"use client";

import { useState } from "react";

/**
 * Rows picked with checkboxes, kept across pages (a batch action may span several): the picked
 * ids, whether every row of the current page is picked, and picking one row or the whole page.
 */
export function useSelection<T extends string | number>(pageIds: readonly T[]) {
  const [picked, setPicked] = useState<Set<T>>(() => new Set());
  const toggle = (ids: readonly T[], on: boolean) =>
    setPicked((s) => {
      const next = new Set(s);
      for (const id of ids)
        if (on) next.add(id);
        else next.delete(id);
      return next;
    });
  return {
    ids: [...picked],
    has: (id: T) => picked.has(id),
    allOnPage: pageIds.length > 0 && pageIds.every((id) => picked.has(id)),
    toggle,
    togglePage: (on: boolean) => toggle(pageIds, on),
    clear: () => setPicked(new Set()),
  };
}
