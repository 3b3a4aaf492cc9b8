"use client";

import { useCallback, useEffect, useState } from "react";

/** The classes of a frame in full-width mode: over the whole window, above the console's sidebar and header. */
export const FULL_WIDTH_FRAME = "fixed inset-0 z-30 rounded-none border-0";

/** Full-width mode of a canvas frame; Escape leaves it (unless a dialog is open, which Escape closes first). */
export function useFullWidth(): [boolean, () => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!on) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && !document.querySelector("[role=dialog]")) setOn(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [on]);
  const toggle = useCallback(() => setOn((value) => !value), []);
  return [on, toggle];
}
