"use client";

import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { X } from "lucide-react";
import { memo, useContext } from "react";
import type { StepFlowEdge } from "../flow/to-flow";
import { useBuilderEnv } from "../state/hooks";
import { CanvasActionsContext } from "./canvas-actions";

function StepEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, data, markerEnd }: EdgeProps<StepFlowEdge>) {
  const { readOnly } = useBuilderEnv();
  const actions = useContext(CanvasActionsContext);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const control = data?.kind === "control";
  const stroke = data?.broken ? "var(--danger)" : selected ? "var(--accent)" : control ? "var(--fg-muted)" : "color-mix(in srgb, var(--accent) 70%, var(--fg-muted))";
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: selected ? 2.5 : 1.5, strokeDasharray: control ? "6 4" : undefined }} />
      {(data?.label || (selected && !readOnly)) && (
        <EdgeLabelRenderer>
          <div className="nodrag nopan absolute flex items-center gap-1" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, pointerEvents: "all" }}>
            {data?.label && <span className="rounded bg-surface px-1 font-mono text-[10px] text-fg-muted shadow-sm">{data.label}</span>}
            {selected && !readOnly && (
              <button
                type="button"
                className="flex h-5 w-5 items-center justify-center rounded-full border border-border bg-surface text-danger shadow hover:bg-muted"
                aria-label="Delete this connection"
                data-testid="edge-delete"
                onClick={() => actions.deleteEdge(id)}
              >
                <X size={12} aria-hidden />
              </button>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const StepEdge = memo(StepEdgeView);
