"use client";

import { useCallback, useSyncExternalStore } from "react";

const CHANGED = "sluice:stored-toggle";
/** Where values live when the browser refuses localStorage (private modes, quotas). */
const fallback = new Map<string, string>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return fallback.get(key) ?? null;
  }
}

function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    fallback.set(key, value);
  }
  window.dispatchEvent(new Event(CHANGED));
}

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/** A view preference of this browser (a panel shown or collapsed), kept across visits in localStorage. */
export function useStoredToggle(key: string, initial: boolean): [boolean, () => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => {
      const stored = read(key);
      return stored === null ? initial : stored === "1";
    },
    () => initial,
  );
  const toggle = useCallback(() => write(key, value ? "0" : "1"), [key, value]);
  return [value, toggle];
}
