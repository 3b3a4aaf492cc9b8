"use client";

import { Trash2 } from "lucide-react";
import { Button } from "./button";

/** A row's delete (or revoke) icon button; with `confirm`, it acts only once the person agrees. */
export function DeleteButton({ label, disabled, confirm, onDelete }: { label: string; disabled?: boolean; confirm?: string; onDelete: () => unknown }) {
  return (
    <Button size="sm" variant="ghost" aria-label={label} disabled={disabled} onClick={() => (confirm === undefined || window.confirm(confirm)) && onDelete()}>
      <Trash2 size={14} aria-hidden />
    </Button>
  );
}
