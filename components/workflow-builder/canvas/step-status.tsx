"use client";

import { createContext } from "react";
import { STATE_STYLE } from "@/components/runs/state-style";
import type { StepState } from "@/db/schema/runs";
import { cn } from "@/lib/utils";

/**
 * A step's state in a run, for the canvas when it shows a run: across all its instances (map items,
 * instances of an enclosing mapped group) when it has several.
 */
export type StepStatus = {
  state: StepState;
  /** attempts of its latest instance */
  attempts: number;
  /** items (or instances) finished of all */
  progress?: { done: number; total: number };
  /** kept from the run this one retries, not run again */
  kept: boolean;
};

/** Statuses by step name at the level shown; null in the editor. */
export const StepStatusContext = createContext<ReadonlyMap<string, StepStatus> | null>(null);

/** The node's border and header colours for a status. */
export function statusColours(status: StepStatus | undefined): { border?: string; header?: string } {
  if (!status) return {};
  const style = STATE_STYLE[status.state];
  return { border: style.border, header: cn("rounded-t-lg", style.tint) };
}

/** The state, progress and attempt count in a step node's header. */
export function StepStatusPill({ status }: { status: StepStatus }) {
  const style = STATE_STYLE[status.state];
  const Icon = style.icon;
  const attempts = `${status.attempts} attempt${status.attempts === 1 ? "" : "s"}`;
  return (
    <span
      data-testid="step-status"
      className={cn("flex shrink-0 items-center gap-1 rounded px-1 text-xs font-medium", style.text)}
      title={`${style.label}${status.kept ? " (kept from the retried run)" : ""}${status.progress ? `, ${status.progress.done} of ${status.progress.total} done` : ""}, ${attempts}`}
    >
      <Icon size={14} aria-hidden className={status.state === "running" ? "animate-spin" : undefined} />
      <span className="sr-only">{style.label}</span>
      {status.progress && (
        <span data-testid="step-progress">
          {status.progress.done}/{status.progress.total}
        </span>
      )}
      {status.kept ? <span>kept</span> : status.attempts > 0 && <span aria-label={attempts}>×{status.attempts}</span>}
    </span>
  );
}
