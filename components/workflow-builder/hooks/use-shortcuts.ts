"use client";

import { useEffect, useRef } from "react";

export type Shortcuts = {
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  duplicate: () => void;
  save: () => void;
  selectAll: () => void;
};

/** True while the user types into a form control: editing shortcuts then belong to the control. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "submit", "reset", "file", "range", "color"].includes(type);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return Boolean(selection && !selection.isCollapsed && selection.toString().length > 0);
}

/** Builder keyboard shortcuts (Delete/Backspace are React Flow's own). */
export function useShortcuts(shortcuts: Shortcuts, enabled: boolean, readOnly: boolean) {
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey || event.defaultPrevented) return;
      const key = event.key.toLowerCase();
      const run = (action: () => void) => {
        event.preventDefault();
        action();
      };
      // Ctrl+S saves from anywhere, inputs included: the browser's own "save page" is never wanted here
      if (key === "s") {
        if (!readOnly) run(latest.current.save);
        else event.preventDefault();
        return;
      }
      if (isTypingTarget(event.target) || (event.target instanceof HTMLElement && event.target.closest("[role=dialog]"))) return;
      if (key === "c") {
        if (!hasTextSelection()) run(latest.current.copy);
        return;
      }
      if (key === "a") return run(latest.current.selectAll);
      if (readOnly) return;
      if (key === "z" && event.shiftKey) return run(latest.current.redo);
      if (key === "z") return run(latest.current.undo);
      if (key === "y") return run(latest.current.redo);
      if (key === "v") return run(latest.current.paste);
      if (key === "d") return run(latest.current.duplicate);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled, readOnly]);
}
