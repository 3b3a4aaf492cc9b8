"use client";

import { ChevronRight } from "lucide-react";
import { useBuilderEnv } from "../state/hooks";
import { useBuilder, useBuilderStore, type BuilderState } from "../state/store";

const selectPath = (state: BuilderState) => state.path;

/** Groups open as drill-down levels; this shows where the canvas is and leads back up. */
export function Breadcrumb() {
  const store = useBuilderStore();
  const { name } = useBuilderEnv();
  const path = useBuilder(selectPath);
  const levels = [{ label: name, path: [] as string[] }, ...path.map((group, i) => ({ label: group, path: path.slice(0, i + 1) }))];
  return (
    <nav aria-label="Graph level" data-testid="breadcrumb" className="flex h-8 shrink-0 items-center gap-1 border-b border-border bg-surface px-3 text-sm">
      <ol className="flex min-w-0 items-center gap-1">
        {levels.map((level, i) => {
          const last = i === levels.length - 1;
          return (
            <li key={level.path.join("/")} className="flex min-w-0 items-center gap-1">
              {i > 0 && <ChevronRight size={14} aria-hidden className="shrink-0 text-fg-muted" />}
              {last ? (
                <span aria-current="location" className="truncate font-medium">
                  {i === 0 ? `Workflow ${level.label}` : `Group ${level.label}`}
                </span>
              ) : (
                <button type="button" className="truncate text-accent hover:underline" onClick={() => store.dispatch({ type: "enter", path: level.path, select: i < path.length ? [path[i]] : [] })} data-testid={`breadcrumb-${i}`}>
                  {i === 0 ? `Workflow ${level.label}` : level.label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {path.length > 0 && <span className="ml-2 text-xs text-fg-muted">Inside a group: steps here only see the group&apos;s inputs.</span>}
    </nav>
  );
}
