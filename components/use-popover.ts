"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/**
 * Open/closed state of a header panel (the phone menu, the account menu). It closes when a link
 * in it is followed (the path changes: kept as "open on path X", so no effect has to reset it),
 * on Escape (focus goes back to the button), and on a press outside `ref`.
 */
export function usePopover<T extends HTMLElement, B extends HTMLElement = HTMLButtonElement>() {
  const path = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const ref = useRef<T>(null);
  const buttonRef = useRef<B>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpenOn(null);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpenOn(null);
      buttonRef.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return { open, ref, buttonRef, toggle: () => setOpenOn(open ? null : path), close: () => setOpenOn(null) };
}
