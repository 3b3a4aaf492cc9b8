"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** An icon button of a canvas toolbar: its label is its accessible name and tooltip; `pressed` makes it a toggle. */
export function ToolButton({ label, shortcut, onClick, disabled, testId, pressed, children }: { label: string; shortcut?: string; onClick: () => void; disabled?: boolean; testId: string; pressed?: boolean; children: ReactNode }) {
  return (
    <Button variant="ghost" size="sm" aria-label={label} aria-keyshortcuts={shortcut} aria-pressed={pressed} title={shortcut ? `${label} (${shortcut})` : label} disabled={disabled} onClick={onClick} data-testid={testId}>
      {children}
    </Button>
  );
}
