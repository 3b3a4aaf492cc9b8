"use client";

import { STEP_KINDS } from "@/lib/workflows/model";
import { STEP_DRAG_TYPE } from "./canvas";
import { KIND_INFO } from "./kinds";
import { useCanvasCommands } from "./use-canvas-commands";

/** Step kinds to drag onto the canvas, or to click (Enter/Space) to add at the centre of the view. */
export function Palette({ onAdded }: { onAdded: (name: string) => void }) {
  const { addStepAt } = useCanvasCommands();
  return (
    <nav aria-label="Step palette" className="flex w-44 shrink-0 flex-col gap-1.5 overflow-y-auto border-r border-border bg-surface p-2">
      <h3 className="px-1 text-xs font-medium uppercase tracking-wide text-fg-muted">Add a step</h3>
      <ul className="flex flex-col gap-1.5">
        {STEP_KINDS.map((kind) => {
          const info = KIND_INFO[kind];
          const Icon = info.icon;
          return (
            <li key={kind}>
              <button
                type="button"
                draggable
                data-testid={`palette-item-${kind}`}
                aria-label={`Add a ${info.label} step`}
                title={`${info.description}. Drag onto the canvas or press Enter to add.`}
                className="flex w-full cursor-grab items-start gap-2 rounded-md border border-border bg-surface px-2 py-1.5 text-left hover:bg-muted active:cursor-grabbing"
                onDragStart={(event) => {
                  event.dataTransfer.setData(STEP_DRAG_TYPE, kind);
                  event.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => {
                  const name = addStepAt(kind);
                  if (name) onAdded(name);
                }}
              >
                <Icon size={16} aria-hidden className={`mt-0.5 shrink-0 ${info.tone}`} />
                <span className="min-w-0">
                  <span className="block text-sm font-medium">{info.label}</span>
                  <span className="block text-xs text-fg-muted">{info.description}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
